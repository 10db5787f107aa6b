"""The model's assumptions (``simulator/data/model_assumptions.toml``, each with unit and source) and the writer version."""

from __future__ import annotations

from simulator.sourced_data import load_data

#: Bumped whenever the model this package writes changes, so cached results
#: computed with an older writer are not reused.
IDF_WRITER_VERSION = "5"  # 4: ventilation (h11v); 5: ISO 13370 F-factor slab, heating capacity limit (issue 11)

#: The model's assumptions, each with its unit and source: simulator/data/model_assumptions.toml.
ASSUMPTIONS = load_data("model_assumptions")
_SIM = ASSUMPTIONS["simulation"]
TIMESTEPS_PER_HOUR = _SIM["timesteps_per_hour"]
HEAT_OFF_C = _SIM["heating_off_c"]  # heating setpoint when heating is unavailable
COOL_OFF_C = _SIM["cooling_off_c"]  # cooling setpoint when cooling is unavailable
_OPENING = ASSUMPTIONS["window_opening"]
NAT_VENT_MIN_INDOOR_C = _OPENING["min_indoor_c"]  # windows open when indoors is warmer...
NAT_VENT_OUTDOOR_RANGE_C = (_OPENING["outdoor_min_c"], _OPENING["outdoor_max_c"])  # ... and outdoors mild
WINDOW_SILL_MARGIN_M = ASSUMPTIONS["geometry"]["window_sill_margin_m"]
