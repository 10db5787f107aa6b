"""Package builder: pick measures, see energy, CO2 and money instantly; verify with EnergyPlus."""

from __future__ import annotations

import streamlit as st

from simulator.app import compare_view, weather_choice
from simulator.app.builder_results import (
    capex_gross_cny,
    chain_range,
    heating_interval,
    part_name,
    payback_text,
    results_panel,
)
from simulator.app.choices import (
    AIRTIGHT_ACH,
    HEAT_SOURCES,
    WALL_MATERIALS,
    WINDOW_LEVELS,
    Choices,
    from_preset,
    level_label,
)
from simulator.app.i18n import t, wan_cny
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.options import restore
from simulator.app.presets import default_preset, description, presets_for, short_name, worse_parts
from simulator.app.state import (
    building,
    evaluate_choices,
    heating_saving_interval,
    make_anchor,
    register_upload,
    wait_for_surrogate,
    weather_for,
)
from simulator.app.uploads import MAX_UPLOAD_BYTES, display_name, public_message, too_large_message
from simulator.exceptions import RetrofitError

L = lang()
name = st.session_state.get("archetype", "old_estate_pre1990")
st.title(f"{t('Package builder', L)} · {archetype_title(name)}")

# ---------------------------------------------------------------- choice widgets: key -> (options, label)
# the presets written for this building type; one that would install a worse construction says so
PRESETS = ("custom", *presets_for(name))


def preset_label(p: str, lang_: str) -> str:
    """A preset's short name (the full description is shown under the box: long ones were cut at 1024 px),
    marked ⚠ when it would install a worse construction than this building has."""
    if p == "custom":
        return t("Custom", lang_)
    return short_name(p, lang_) + (" ⚠" if worse_parts(name, p) else "")


def preset_note(p: str, lang_: str) -> str | None:
    """The preset's full description, and what it makes worse (None for "custom")."""
    if p == "custom":
        return None
    text = description(p, lang_)
    worse = worse_parts(name, p)
    if worse:
        text += " · ⚠ " + t("worse {parts} than this building has", lang_,
                             parts=", ".join(part_name(w, lang_) for w in worse))
    return text


# the labels depend on the language, see simulator/app/options.py
# the weather: today's year, a future morph, or an uploaded EPW file (simulator/app/weather_choice.py)
UPLOAD = "upload"
WEATHER_OPTIONS = (*weather_choice.builtin_keys(), UPLOAD)


def weather_option_label(key: str, lang_: str) -> str:
    return t("Upload an EPW file…", lang_) if key == UPLOAD else weather_choice.label(key, lang_)


CHOICE_WIDGETS = {f"b_preset_{p}": (PRESETS, preset_label) for p in PRESETS} | {"b_weather": (
    WEATHER_OPTIONS, weather_option_label)} | {
    f"b_{field}": (options, lambda v, lang_, f=field: level_label(f, v, lang_))
    for field, options in [("wall_material", WALL_MATERIALS), ("window_level", WINDOW_LEVELS),
                           ("airtight_ach", AIRTIGHT_ACH), ("heat_source", HEAT_SOURCES)]
}


def label_of(key: str):
    """The format_func of a choice widget in the page's language."""
    label = preset_label if key.startswith("b_preset") else CHOICE_WIDGETS[key][1]
    return lambda v: label(v, L)


def _restore_choices() -> None:
    for key, (options, label) in CHOICE_WIDGETS.items():
        restore(st.session_state, key, options, label)


# ---------------------------------------------------------------- widget state that survives page changes
FIELDS = Choices().as_dict()
_restore_choices()
def _start_from_default_preset() -> None:
    preset = default_preset(name)
    st.session_state["choices"] = (from_preset(preset) if preset != "custom" else Choices()).as_dict()
    st.session_state["preset_applied"] = preset
    for k, value in st.session_state["choices"].items():
        st.session_state[f"b_{k}"] = value


if "choices" not in st.session_state:
    _start_from_default_preset()
elif st.session_state.get("choices_for", name) != name:
    # another archetype: an untouched preset that is not offered here, or makes this building worse, gives way
    # to this archetype's default (edited choices are the user's: they stay, with the page's warnings)
    applied = st.session_state.get("preset_applied", "custom")
    if (applied != "custom" and from_preset(applied).as_dict() == st.session_state["choices"]
            and (applied not in PRESETS or worse_parts(name, applied))):
        _start_from_default_preset()
st.session_state["choices_for"] = name
for key, value in st.session_state["choices"].items():
    if f"b_{key}" not in st.session_state:
        st.session_state[f"b_{key}"] = value


def _remember() -> None:
    _restore_choices()
    st.session_state["choices"] = {k: st.session_state.get(f"b_{k}", v)
                                   for k, v in st.session_state["choices"].items()}


def _edited() -> None:
    """A widget moved by the user: the preset shown becomes "custom" unless the choices still equal it."""
    _remember()


def shown_preset(choices: dict) -> str:
    """The preset the choices are (the last one applied, while nobody has edited them), else "custom"."""
    applied = st.session_state.get("preset_applied", "custom")
    if applied in PRESETS and applied != "custom" and from_preset(applied).as_dict() == choices:
        return applied
    return "custom"


def _apply_preset(key: str) -> None:
    """The user picked a preset: fill the widgets with its choices.

    The preset box's key names the preset it showed (``b_preset_<name>``), so when an edit turns it
    into "custom" the box is a new widget: a rerun the browser sent before it heard of the edit
    carries the old box's value, which no longer exists and cannot re-apply the old preset.
    """
    restore(st.session_state, key, PRESETS, preset_label)
    preset = st.session_state.get(key, "custom")
    if key == f"b_preset_{preset}":
        return  # the box already showed this preset (a stale label of it came back): nothing was picked
    st.session_state["b_preset"] = preset
    if preset == "custom":
        st.session_state["preset_applied"] = "custom"
        return
    st.session_state["preset_applied"] = preset
    for k, value in from_preset(preset).as_dict().items():
        st.session_state[f"b_{k}"] = value
    _remember()


HEADLINE_CSS = """<style>
/* Streamlit wraps the container in a stLayoutWrapper of the same height: the wrapper must be the sticky one */
[data-testid="stLayoutWrapper"]:has(> .st-key-headline), .st-key-headline { display: none; }
@media (max-width: 640px) {
  /* below Streamlit's header bar (3.75 rem, opaque): at top 0 the bar hid the headline once scrolled */
  [data-testid="stLayoutWrapper"]:has(> .st-key-headline) { display: block; position: sticky; top: 3.75rem;
    z-index: 999; background: #fff; border-bottom: 2px solid #d62728; }
  .st-key-headline { display: block; padding: 4px 2px; font-size: 0.9rem; }
}
</style>"""


# the result of the choices as they stand (widget values are in the session state before the widgets are drawn),
# so the compact headline below can sit above the sliders on a phone
def current_weather() -> tuple[str, str | None, str | None]:
    """The weather the results use: (key, its file name if uploaded, the message of an unusable upload).

    Until a valid file is chosen, the results use today's typical year.
    """
    choice = st.session_state.get("b_weather", weather_choice.BUILT_IN)
    if choice != UPLOAD:
        return choice, None, None
    upload = st.session_state.get("b_epw")
    if upload is None:
        return weather_choice.BUILT_IN, None, None
    shown = display_name(upload.name)
    if upload.size > MAX_UPLOAD_BYTES:
        return weather_choice.BUILT_IN, None, f"{shown}: {too_large_message(upload.size)}"
    try:
        return register_upload(upload.getvalue(), shown), shown, None
    except RetrofitError as exc:
        return weather_choice.BUILT_IN, None, public_message(exc)


def _keep_weather() -> None:
    """Remember the weather picked (a widget's state is dropped while another page is shown)."""
    restore(st.session_state, "b_weather", WEATHER_OPTIONS, weather_option_label)
    st.session_state["weather_choice"] = st.session_state.get("b_weather", weather_choice.BUILT_IN)


if "b_weather" not in st.session_state and "weather_choice" in st.session_state:
    st.session_state["b_weather"] = st.session_state["weather_choice"]
weather_key, upload_name, upload_error = current_weather()
weather_shown = weather_choice.label(weather_key, L, upload_name)
choices = {k: st.session_state[f"b_{k}"] for k in FIELDS}
st.session_state["choices"] = choices
ass = assumptions()
wait_for_surrogate(name, L)
if weather_key != weather_choice.BUILT_IN and not compare_view.trained_on(building(name), weather_for(weather_key)):
    # the first evaluation on such a year runs the surrogate's anchor in EnergyPlus (simulator/surrogate/anchor.py)
    anchor_msg = t("This weather year is not one the surrogate was trained on: it is anchored on EnergyPlus runs "
                   "of the archetype and of it with each single measure, and checked and refined on nine random "
                   "packages (35-45 s the first time)…", L)
    make_anchor(name, weather_for(weather_key), anchor_msg)
    with st.spinner(anchor_msg):
        res = evaluate_choices(name, choices, ass, weather_key)
else:
    res = evaluate_choices(name, choices, ass, weather_key)
saving = heating_saving_interval(name, choices, weather_key)
heat_iv = heating_interval(res)
co2_iv = chain_range(res, "co2_saved_kg", 1e-3)  # [t/a]
after = res["retrofit"]
payback = payback_text(res, L)
capex_gross = capex_gross_cny(res)

# phone: a compact headline that stays in view while the sliders move (hidden on wide screens)
st.markdown(HEADLINE_CSS, unsafe_allow_html=True)
with st.container(key="headline"):
    st.markdown(
        f"**{t('Heating', L)}** {after['heating_kwh_m2']:.1f}"
        f"{f' ({heat_iv[0]:.1f}–{heat_iv[1]:.1f})' if heat_iv else ''} kWh/m² · **{t('CO₂ saved', L)}** "
        f"{res['co2_saved_t']:,.1f}{f' ({co2_iv[0]:,.1f}–{co2_iv[1]:,.1f})' if co2_iv else ''} {t('t/a', L)} · "
        f"**{t('Capex', L)}** {wan_cny(capex_gross):,.1f} {t('10⁴ CNY', L)} · "
        f"**{t('Payback', L)}** {payback}")

# the weather and the preset above the two columns: their names are long (at 1024 px the inputs column
# cut them, issue 16); the preset's full description is written under it
weather_col, preset_col = st.columns(2)
with weather_col:
    st.selectbox(t("Weather", L), WEATHER_OPTIONS, format_func=label_of("b_weather"), key="b_weather",
                 on_change=_keep_weather)
    if st.session_state.get("b_weather") == UPLOAD:
        st.file_uploader(t("EPW weather file", L), type=None, key="b_epw")
        if upload_error:
            st.error(t("This file cannot be used as weather; the results use today's typical year.", L))
            st.text(upload_error)  # plain text: the message carries the file's name
        elif upload_name is None:
            st.caption(t("Until a file is chosen, the results use today's typical year.", L))
with preset_col:
    shown = shown_preset({k: st.session_state[f"b_{k}"] for k in FIELDS})
    preset_key = f"b_preset_{shown}"
    st.selectbox(t("Preset", L), PRESETS, index=PRESETS.index(shown), key=preset_key, on_change=_apply_preset,
                 args=(preset_key,), format_func=label_of("b_preset"))
    note = preset_note(shown, L)
    if note:
        st.caption(note)

inputs, results = st.columns([1, 2], gap="large")
with inputs:
    st.subheader(t("Measures", L))
    st.selectbox(f"{t('Wall insulation', L)} · {t('Insulation material', L)}", WALL_MATERIALS,
                 format_func=label_of("b_wall_material"), key="b_wall_material", on_change=_edited)
    st.slider(f"{t('Wall insulation', L)} · {t('Thickness [mm]', L)}", 0, 200, step=10, key="b_wall_mm",
              on_change=_edited)
    st.slider(f"{t('Roof insulation', L)} (XPS) · {t('Thickness [mm]', L)}", 0, 200, step=10, key="b_roof_mm",
              on_change=_edited)
    st.slider(f"{t('Ground floor', L)} (XPS) · {t('Thickness [mm]', L)}", 0, 100, step=10, key="b_floor_mm",
              on_change=_edited)
    # a radio: its labels wrap in the narrow column ("PVC double windows (U 2.5)" was cut in a select box)
    st.radio(t("Window level", L), WINDOW_LEVELS, format_func=label_of("b_window_level"), key="b_window_level",
             on_change=_edited)
    st.select_slider(t("Airtightness [1/h]", L), options=AIRTIGHT_ACH, format_func=label_of("b_airtight_ach"),
                     key="b_airtight_ach", on_change=_edited)
    st.toggle(t("Heat-recovery ventilation (MVHR)", L), key="b_mvhr", on_change=_edited)
    st.toggle(t("Heat metering and TRVs", L), key="b_trv", on_change=_edited)
    st.toggle(t("LED lighting", L), key="b_led", on_change=_edited)
    st.radio(t("Heat source", L), HEAT_SOURCES, format_func=label_of("b_heat_source"), key="b_heat_source", on_change=_edited)
    st.toggle(t("Inverter ACs (grade 1)", L), key="b_inverter_ac", on_change=_edited,
              disabled=st.session_state["b_heat_source"] == "ashp")
    st.slider(t("PV share of usable roof [%]", L), 0, 100, step=10, key="b_pv_share_pct", on_change=_edited)

with results:
    results_panel(name, choices, ass, res, L, archetype_title, weather_key, weather_shown, saving)
