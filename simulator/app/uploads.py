"""Uploaded files and text shown to users: size limits, safe names, no server paths.

Everything that comes from an uploaded file (names, site names, values) is
shown with :func:`streamlit.text` or inside tables, never as markdown (a site
name such as ``![x](http://...)`` would otherwise load a remote image). Error
messages pass through :func:`public_message`, which keeps only the last
component of any absolute path (no server temp folders in the page).
"""

from __future__ import annotations

import re
import unicodedata

MAX_UPLOAD_BYTES = 5_000_000
"""Largest accepted upload [bytes]: a year of hourly EPW data is about 1.6 MB, a leap year with
wide number formats about 3 MB. The same limit (5 MB) is ``server.maxUploadSize`` in
``.streamlit/config.toml``, so Streamlit refuses larger files before they reach memory."""
MAX_NAME_CHARS = 80

_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?[\\/](?:[^\s\\/'\"<>]+[\\/])+[^\s\\/'\"<>:,;)]*")


def display_name(name: object, fallback: str = "upload.epw") -> str:
    """A file name safe to show and to use in messages.

    Keeps the last path component (so ``../../etc/passwd`` shows ``passwd``),
    drops control and format characters, and shortens to :data:`MAX_NAME_CHARS`.
    ``.`` and ``..`` and empty names become ``fallback``.
    """
    text = str(name or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()
    if text in ("", ".", ".."):
        return fallback
    if len(text) > MAX_NAME_CHARS:
        text = text[: MAX_NAME_CHARS - 1] + "…"
    return text


def public_message(text: object) -> str:
    """A message fit for the page: absolute paths shortened to their last component."""
    return _PATH.sub(lambda m: m.group(0).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1], str(text))


def too_large_message(size_bytes: int) -> str:
    """The message for an upload over :data:`MAX_UPLOAD_BYTES`."""
    return (f"{size_bytes / 1e6:.1f} MB is larger than the {MAX_UPLOAD_BYTES / 1e6:.0f} MB limit "
            "(an hourly EPW year is about 1.6 MB)")
