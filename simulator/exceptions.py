"""The project's exceptions: specific, with messages that say what to do.

Every error the library raises on bad input or a failed run derives from
:class:`RetrofitError`, so the CLI and the app can catch one type and show
one clear line.
"""

from __future__ import annotations


class RetrofitError(Exception):
    """Base class of every error raised by this project."""


class ValidationError(RetrofitError, ValueError):
    """Input data failed validation.

    Parameters
    ----------
    problems
        Every problem found, each naming the field (and file, where known) and
        the allowed range. All are reported together.
    source
        The file or object that was validated, for the message header.
    """

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            msg = f"{head}{self.problems[0]}"
        else:
            lines = "\n  - ".join(self.problems)
            msg = f"{head}{len(self.problems)} problems:\n  - {lines}"
        super().__init__(msg)


class UnknownNameError(RetrofitError, KeyError):
    """A name (archetype, measure, package, weather) is not in the library."""

    def __init__(self, kind: str, name: str, valid: list[str]):
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        super().__init__(f"unknown {kind} {name!r}; valid names: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]


class WeatherError(RetrofitError):
    """A weather file is missing, truncated or holds bad values."""


class EnergyPlusError(RetrofitError):
    """EnergyPlus failed: carries the relevant lines of ``eplusout.err``."""

    def __init__(self, message: str, err_lines: list[str] | None = None, run_dir: str | None = None):
        self.err_lines = list(err_lines or [])
        self.run_dir = run_dir
        detail = ("\n" + "\n".join(self.err_lines)) if self.err_lines else ""
        super().__init__(message + detail)


class CacheError(RetrofitError):
    """The run cache cannot be used (e.g. its folder cannot be created)."""
