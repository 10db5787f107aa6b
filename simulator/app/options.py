"""Keep choice widgets' values valid across a language switch.

Streamlit (1.5x-1.6x) sends a selectbox's, radio's or multiselect's value
from the browser as the *displayed* text and maps it back through the
widget's current ``format_func``. Our labels depend on the language, so a
browser that still holds the Chinese label when the English run starts
hands the script the label itself ("围护结构改造：…") instead of the option
("envelope"). This was seen under load (benchmarks/load_test.py): the preset
callback then failed with an unknown package name.

:func:`restore` maps such a label back to its option, trying every
language, and drops a value it cannot map so that the widget falls back to
its remembered or default value. Call it before the widget is created and
at the start of callbacks. Free of Streamlit: the state is any mutable
mapping (``st.session_state`` in the app, a dict in tests).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

from simulator.app.i18n import LANGS

Label = Callable[[Any, str], str]  # (option, language) -> displayed text


def resolve(value: Any, options: Sequence[Any], label: Label) -> tuple[bool, Any]:
    """(True, option) when ``value`` is an option or any language's label of one; else (False, value)."""
    if any(value == o for o in options):
        return True, value
    if isinstance(value, str):
        for o in options:
            if any(label(o, lang) == value for lang in LANGS):
                return True, o
    return False, value


def restore(state: MutableMapping[str, Any], key: str, options: Sequence[Any], label: Label,
            multi: bool = False) -> None:
    """Make ``state[key]`` an option (or, with ``multi``, a list of options) again; drop it if impossible."""
    if key not in state:
        return
    value = state[key]
    if multi:
        items = [resolve(v, options, label) for v in (value or [])]
        good = [o for ok, o in items if ok]
        if len(good) != len(items) or good != list(value or []):
            state[key] = good
        return
    ok, option = resolve(value, options, label)
    if not ok:
        del state[key]
    elif option is not value:
        state[key] = option
