"""The persistent run cache: one SQLite file keyed by what EnergyPlus receives.

The key (:func:`run_key`) is a SHA-256 over the final IDF text, the SHA-256
of the normalised weather file EnergyPlus reads and the engine version
(EnergyPlus build and IDF-writer version). Nothing is picked by hand: a
field that changes the simulation changes the IDF text, hence the key; a
field that does not (a name, the heating system, PV) never reaches the IDF.
A repeated case is read back instead of simulated.

SQLite in WAL mode with a busy timeout lets several processes read and
write at once without losing rows; each write is one short transaction.

Faults never stop a run:

* a file that is not this project's cache (garbage, truncated, another
  program's database, an older format) is moved aside - renamed
  ``runs.sqlite.unreadable-<UTC time>``, never deleted - and a fresh cache
  is started, with one warning naming both paths;
* a cache that cannot be written (read-only file or folder, disk full) gives
  one warning and the runs go on without caching (:func:`open_cache`
  returns None);
* a failed run never replaces a successful result of the same key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from simulator.exceptions import CacheError
from simulator.loads import Loads

#: Version of the key and table layout; a cache of another version is moved aside.
SCHEMA_VERSION = 2
#: SQLite ``application_id`` marking this project's cache files ("HQRC").
APPLICATION_ID = 0x48515243
log = logging.getLogger(__name__)

_COLUMNS = ("key", "status", "loads", "error", "building", "weather_id", "engine", "elapsed_s", "created")


def default_cache_dir() -> Path:
    """``$HONGQIAO_CACHE_DIR``, else ``~/.cache/hongqiao-retrofit``."""
    env = os.environ.get("HONGQIAO_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "hongqiao-retrofit"


def default_cache_path() -> Path:
    return default_cache_dir() / "runs.sqlite"


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 of bytes (or UTF-8 text), 64 hex digits."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def run_key(idf_text: str, epw_sha256: str, engine_version: str) -> str:
    """SHA-256 (hex) of exactly what decides an EnergyPlus result.

    Parameters
    ----------
    idf_text
        The IDF text EnergyPlus runs.
    epw_sha256
        SHA-256 of the weather file bytes EnergyPlus reads (the normalised EPW).
    engine_version
        EnergyPlus build, IDF-writer and results-reader versions.
    """
    payload = json.dumps(
        {"idf_sha256": sha256_hex(idf_text), "epw_sha256": epw_sha256, "engine": engine_version,
         "schema": SCHEMA_VERSION},
        sort_keys=True,
        separators=(",", ":"),
    )
    return sha256_hex(payload)


@dataclass(frozen=True)
class CacheRecord:
    key: str
    status: str  # "ok" or "error"
    loads: Loads | None
    error: str | None
    elapsed_s: float
    created: float


class _Unusable(Exception):
    """Internal: the cache cannot be written (read-only, disk full...)."""


def _is_unwritable(exc: sqlite3.Error) -> bool:
    msg = str(exc).lower()
    return any(s in msg for s in ("readonly", "read-only", "unable to open", "disk i/o", "database or disk is full",
                                  "disk is full", "permission"))


class RunCache:
    """Results of past runs in an SQLite file (safe for concurrent processes).

    Opening a file that is not a cache of this version moves it aside and
    starts a fresh one. Use :func:`open_cache` to get None instead of an
    exception when the cache cannot be written.

    Raises
    ------
    CacheError
        If the cache file or folder cannot be created or written.
    """

    def __init__(self, path: str | os.PathLike | None = None, timeout_s: float = 60.0):
        self.path = Path(path) if path else default_cache_path()
        self.timeout_s = timeout_s
        self.moved_aside: Path | None = None
        self._write_warned = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"run cache {self.path}: cannot create its folder ({exc.strerror or exc})") from None
        try:
            st = os.stat(self.path)  # follows a symlink: what SQLite would open
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise CacheError(f"run cache {self.path}: cannot be read ({exc.strerror or exc})") from None
        if st is not None and not stat.S_ISREG(st.st_mode):
            # a folder, a device (/dev/zero) or a FIFO: never opened (a FIFO would block), never moved
            raise CacheError(f"run cache {self.path}: not a regular file")
        try:
            self._open()
        except _Unusable as exc:
            raise CacheError(f"run cache {self.path}: cannot be written ({exc})") from None

    # ------------------------------------------------------------------ setup

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
        return con

    def _open(self) -> None:
        """Check (or create) the schema; move a foreign or broken file aside once."""
        problem = self._check_or_create()
        if problem is None:
            return
        self._move_aside(problem)
        problem = self._check_or_create()
        if problem is not None:
            raise _Unusable(problem)

    def _check_or_create(self) -> str | None:
        """None if the file is (now) a cache of this version, else why not."""
        try:
            con = self._connect()
        except sqlite3.Error as exc:
            raise _Unusable(str(exc)) from None
        try:
            try:
                app_id = con.execute("PRAGMA application_id").fetchone()[0]
                version = con.execute("PRAGMA user_version").fetchone()[0]
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if app_id == APPLICATION_ID and version == SCHEMA_VERSION and "runs" in tables:
                    cols = tuple(r[1] for r in con.execute("PRAGMA table_info(runs)"))
                    if cols != _COLUMNS:
                        return f"unexpected columns {cols}"
                    con.execute("SELECT COUNT(*) FROM runs").fetchone()  # reads every page of the table tree
                    con.execute("BEGIN IMMEDIATE")  # a write, rolled back: fails on a read-only file or folder
                    con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                    con.execute("ROLLBACK")
                    return None
                if tables or app_id not in (0, APPLICATION_ID):
                    return (f"not a run cache of this version (application_id {app_id:#x}, "
                            f"user_version {version}, tables {sorted(tables)})")
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("BEGIN IMMEDIATE")
                con.execute(
                    """CREATE TABLE runs (
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
                con.execute(f"PRAGMA application_id={APPLICATION_ID}")
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                con.execute("COMMIT")
                return None
            except sqlite3.OperationalError as exc:
                if _is_unwritable(exc):
                    raise _Unusable(str(exc)) from None
                if "already exists" in str(exc).lower():  # another process created it just now
                    return None
                if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                    raise _Unusable(str(exc)) from None
                return str(exc)
            except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
                return str(exc)
        finally:
            con.close()

    def _move_aside(self, problem: str) -> None:
        if not self.path.is_symlink() and self.path.exists() and not self.path.is_file():
            raise _Unusable(f"{problem}; not a regular file, left as it is")
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}-{os.getpid()}")
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return  # another process moved it already
        except OSError as exc:
            raise _Unusable(f"{problem}; and it cannot be moved aside ({exc.strerror or exc})") from None
        for suffix in ("-wal", "-shm", "-journal"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                try:
                    os.replace(side, target.with_name(target.name + suffix))
                except OSError:
                    pass  # a stale side file of a moved database is harmless to a fresh one
        self.moved_aside = target
        log.warning("run cache %s was unreadable (%s); kept as %s, a fresh cache is started",
                    self.path, problem, target)

    # ------------------------------------------------------------------ reading

    def _query(self, sql: str, params=()) -> list:
        """Rows of a read; a cache that fails to read is moved aside (if broken) or skipped, never fatal."""
        try:
            con = self._connect()
            try:
                return con.execute(sql, params).fetchall()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not _is_corrupt(exc):
                self._warn_once(f"run cache {self.path}: not read ({exc}); running as if empty")
                return []
            try:
                self._move_aside(str(exc))
                self._open()
            except _Unusable as again:
                self._warn_once(f"run cache {self.path}: {again}; running as if empty")
            return []

    def _warn_once(self, message: str) -> None:
        if not self._write_warned:  # one message per cache, not one per run
            log.warning("%s", message)
            self._write_warned = True

    def get(self, key: str) -> CacheRecord | None:
        """The stored record of ``key``, or None."""
        rows = self._query("SELECT status, loads, error, elapsed_s, created FROM runs WHERE key = ?", (key,))
        if not rows:
            return None
        status, blob, error, elapsed, created = rows[0]
        try:
            loads = Loads.from_bytes(blob) if blob is not None else None
        except (ValueError, TypeError, KeyError, zlib.error):
            log.warning("run cache %s: unreadable entry %s, treated as missing", self.path, key[:12])
            return None
        return CacheRecord(key, status, loads, error, elapsed or 0.0, created or 0.0)

    def get_loads(self, key: str) -> Loads | None:
        """Loads of a successful past run, or None."""
        rec = self.get(key)
        return rec.loads if rec is not None and rec.status == "ok" else None

    # ------------------------------------------------------------------ writing

    def _write(self, sql: str, params) -> bool:
        """One short transaction; False (with a warning) if the cache cannot take it."""
        try:
            con = self._connect()
            try:
                con.execute("BEGIN IMMEDIATE")
                con.execute(sql, params)
                con.execute("COMMIT")
            finally:
                con.close()
            return True
        except sqlite3.Error as exc:
            self._warn_once(f"run cache {self.path}: results not stored ({exc})")
            return False

    def put(self, key: str, loads: Loads, elapsed_s: float = 0.0) -> bool:
        """Store a successful run (replaces whatever was stored under ``key``)."""
        return self._write(
            f"INSERT OR REPLACE INTO runs ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, "ok", loads.to_bytes(), None, loads.building_name, loads.weather_id, loads.engine,
             elapsed_s, time.time()),
        )

    def put_error(self, key: str, error: str, building: str = "", weather_id: str = "",
                  engine: str = "", elapsed_s: float = 0.0) -> bool:
        """Record a failed run (a later batch tries it again); never replaces a successful result."""
        return self._write(
            f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET status = excluded.status, loads = NULL, error = excluded.error, "
            "building = excluded.building, weather_id = excluded.weather_id, engine = excluded.engine, "
            "elapsed_s = excluded.elapsed_s, created = excluded.created WHERE runs.status != 'ok'",
            (key, "error", None, error, building, weather_id, engine, elapsed_s, time.time()),
        )

    def stats(self) -> dict[str, int]:
        rows = self._query("SELECT status, COUNT(*) FROM runs GROUP BY status")
        return {status: n for status, n in rows}

    def __len__(self) -> int:
        return sum(self.stats().values())


def _is_corrupt(exc: sqlite3.Error) -> bool:
    msg = str(exc).lower()
    return "malformed" in msg or "not a database" in msg or "no such table" in msg


def open_cache(cache: RunCache | str | os.PathLike | None) -> RunCache | None:
    """The run cache to use, or None (with one warning naming the path) if it cannot be used.

    Parameters
    ----------
    cache
        A :class:`RunCache`, a path to its file, or None for the default file.
    """
    if isinstance(cache, RunCache):
        return cache
    path = Path(cache) if cache else default_cache_path()
    try:
        return RunCache(path)
    except CacheError as exc:
        log.warning("%s; running without the cache", exc)
        return None
