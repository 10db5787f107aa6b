"""The persistent run cache: one SQLite file keyed by what decides a result.

The key is a SHA-256 over the building's physical description (its name and
free-text description excluded), the weather file's content hash and the
engine version (EnergyPlus build and IDF-writer version). A repeated case is
read back instead of simulated. SQLite in WAL mode with a busy timeout lets
several processes read and write at once without losing rows; each write is
one short transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from buildings.model import Building
from simulator.loads import Loads

SCHEMA_VERSION = 1
log = logging.getLogger(__name__)
# Fields that do not change the ideal loads: names, and the systems descriptor
# (heating source, COPs, PV are applied downstream of EnergyPlus).
_NOT_PHYSICAL = ("name", "description", "measures", "systems")


def default_cache_dir() -> Path:
    """``$HONGQIAO_CACHE_DIR``, else ``~/.cache/hongqiao-retrofit``."""
    env = os.environ.get("HONGQIAO_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "hongqiao-retrofit"


def default_cache_path() -> Path:
    return default_cache_dir() / "runs.sqlite"


def case_key(building: Building, weather_id: str, engine_version: str) -> str:
    """SHA-256 (hex) of everything that decides a simulation result."""
    physical = {k: v for k, v in building.to_dict().items() if k not in _NOT_PHYSICAL}
    payload = json.dumps(
        {"building": physical, "weather": weather_id, "engine": engine_version, "schema": SCHEMA_VERSION},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class CacheRecord:
    key: str
    status: str  # "ok" or "error"
    loads: Loads | None
    error: str | None
    elapsed_s: float
    created: float


class RunCache:
    """Results of past runs in an SQLite file (safe for concurrent processes)."""

    def __init__(self, path: str | os.PathLike | None = None, timeout_s: float = 60.0):
        self.path = Path(path) if path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.timeout_s = timeout_s
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(
                """CREATE TABLE IF NOT EXISTS runs (
                    key TEXT PRIMARY KEY,
                    status TEXT NOT NULL,
                    loads BLOB,
                    error TEXT,
                    building TEXT,
                    weather_id TEXT,
                    engine TEXT,
                    elapsed_s REAL,
                    created REAL
                )"""
            )

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
        return con

    def get(self, key: str) -> CacheRecord | None:
        """The stored record of ``key``, or None."""
        con = self._connect()
        try:
            row = con.execute(
                "SELECT status, loads, error, elapsed_s, created FROM runs WHERE key = ?", (key,)
            ).fetchone()
        finally:
            con.close()
        if row is None:
            return None
        status, blob, error, elapsed, created = row
        try:
            loads = Loads.from_bytes(blob) if blob is not None else None
        except (ValueError, TypeError, zlib.error):
            log.warning("run cache %s: unreadable entry %s, treated as missing", self.path, key[:12])
            return None
        return CacheRecord(key, status, loads, error, elapsed or 0.0, created or 0.0)

    def get_loads(self, key: str) -> Loads | None:
        """Loads of a successful past run, or None."""
        rec = self.get(key)
        return rec.loads if rec is not None and rec.status == "ok" else None

    def _write(self, key, status, blob, error, building, weather_id, engine, elapsed_s) -> None:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, status, blob, error, building, weather_id, engine, elapsed_s, time.time()),
            )
            con.execute("COMMIT")
        finally:
            con.close()

    def put(self, key: str, loads: Loads, elapsed_s: float = 0.0) -> None:
        """Store a successful run."""
        self._write(key, "ok", loads.to_bytes(), None, loads.building_name, loads.weather_id,
                    loads.engine, elapsed_s)

    def put_error(self, key: str, error: str, building: str = "", weather_id: str = "",
                  engine: str = "", elapsed_s: float = 0.0) -> None:
        """Record a failed run (a later batch tries it again)."""
        self._write(key, "error", None, error, building, weather_id, engine, elapsed_s)

    def stats(self) -> dict[str, int]:
        con = self._connect()
        try:
            rows = con.execute("SELECT status, COUNT(*) FROM runs GROUP BY status").fetchall()
        finally:
            con.close()
        return {status: n for status, n in rows}

    def __len__(self) -> int:
        return sum(self.stats().values())
