"""Where benchmarks put their figures: benchmarks/results/<name>.json, also printed."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save(name: str, data: dict, show: dict | None = None) -> Path:
    """Write `data` as JSON to results/<name> and print `show` (default: `data`)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps(data if show is None else show, indent=2))
    return path
