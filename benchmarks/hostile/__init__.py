"""Catalogue of hostile and odd inputs, run by ``benchmarks/hostile_inputs.py``.

Every module here that defines ``cases() -> list[dict]`` contributes cases. A case is::

    {"class": str,              # the input class (one table row in the results)
     "name": str,               # short unique name within the class
     "argv": list[str],         # arguments after `retrofit`
     "setup": callable(tmpdir) -> None,   # optional: write files into the case's working directory
     "expect": "error" | "ok",  # a clear refusal (exit 2, one message), or success
     "check": callable(tmpdir, proc) -> str | None,  # optional: a problem description, or None
     "mentions": str | list[str],  # optional: text the error message must contain (field, file)
     "timeout_s": float,        # optional: the hang limit of this case (default: the runner's)
     "python": bool}            # optional: argv is for the project's Python, not `retrofit`
                                # (drivers such as upload_driver.py for the app)

Each case runs ``.venv/bin/retrofit ARGV`` as a subprocess with a fresh
temporary working directory (``tmpdir``) and a fresh ``HONGQIAO_CACHE_DIR``
(``$HOSTILE_CACHE``, also given to ``setup`` as ``tmpdir / ".." / ...``: use
:func:`cache_dir_of`). Injection payloads create the file :func:`canary`
``(tmpdir)`` if they ever run; the runner reports such a case as a code
execution. A ``check`` returning text starting with ``"data loss"`` or
``"code exec"`` (execution, executed) is classified as such; any other text as
a silent wrong result.
"""

from __future__ import annotations

from pathlib import Path

CANARY_NAME = "CANARY-code-ran"


def canary(tmpdir: Path) -> Path:
    """The marker file an injection payload would create (absolute path)."""
    return Path(tmpdir).resolve() / CANARY_NAME


def cache_dir_of(tmpdir: Path) -> Path:
    """The case's ``HONGQIAO_CACHE_DIR`` (a sibling of its working directory)."""
    return Path(tmpdir).resolve().parent / "cache"
