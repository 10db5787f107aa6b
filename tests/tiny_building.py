"""The tiny building shared by tests and benchmarks: one TOML, written once.

A one-zone 10 m x 8 m single storey with the office archetype's constructions
and use, so an EnergyPlus run takes about 1 s. Used by
``tests/test_hostile_engine.py``, the engine-side bad-input catalogue
(``benchmarks/hostile/engine_cases.py``) and ``benchmarks/bench_ctf_limits.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

TINY_TOML = """\
name = {name}
{description}[meta]
base = "public_office"
[geometry]
length_m = 10.0
depth_m = 8.0
storeys = 1
zoning = "storey"
{extra}"""


def toml_string(text: str) -> str:
    """A TOML basic string (JSON escapes, and DEL escaped too: TOML forbids it raw)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def tiny_toml_text(name: str = "tiny", description: str | None = None, extra: str = "") -> str:
    """The tiny building's archetype file; ``description`` None keeps the office's, ``extra`` is appended TOML."""
    desc = "" if description is None else f"description = {toml_string(description)}\n"
    return TINY_TOML.format(name=toml_string(name), description=desc, extra=f"{extra}\n" if extra else "")


def write_tiny(tmp: Path, file: str = "tiny.toml", name: str = "tiny", description: str | None = None,
               extra: str = "") -> Path:
    """Write the tiny building's file at ``tmp / file`` (parents created) and return its path."""
    p = Path(tmp) / file
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(tiny_toml_text(name, description, extra), encoding="utf-8")
    return p
