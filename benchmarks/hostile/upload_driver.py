"""Upload one file to the app's climate page (Streamlit AppTest) and report what the page shows.

Used by the ``app_upload`` cases of ``input_cases.py``::

    python benchmarks/hostile/upload_driver.py SPEC.json

``SPEC.json`` holds ``{"name": <upload file name>, "path": <file with the content>}``.
Prints one JSON document ``{"errors", "texts", "markdown", "success", "exception"}`` on
stdout; exit status 2 if the page showed an error (a clear refusal), 0 if it read the
file, 1 if the page raised.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "simulator" / "app" / "pages" / "climate.py"


def main(spec_path: str) -> int:
    from streamlit.testing.v1 import AppTest

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.file_uploader(key="cl_upload").upload(spec["name"], Path(spec["path"]).read_bytes()).run()
    out = {"errors": [e.value for e in at.error], "texts": [x.value for x in at.text],
           "markdown": [m.value for m in at.markdown], "success": [s.value for s in at.success],
           "exception": [str(e.value) for e in at.exception]}
    print(json.dumps(out, ensure_ascii=False))
    if out["exception"]:
        print("Traceback (most recent call last): page raised " + out["exception"][0][:200], file=sys.stderr)
        return 1
    if out["errors"]:
        print("retrofit: error: " + " ".join(out["texts"])[:500], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
