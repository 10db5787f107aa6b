"""Heat pumps, storage heaters, ACs and plants sized from the design loads (issue 11), recomputed here.

The sizing rules recomputed from the data files' numbers (read here with
tomllib, not through the library): heat-pump capacity at the design outdoor
temperature = systems.toml [ashp] sizing_factor x design heating load; storage
heater = 24 h of the design load charged in the valley window over its
efficiency and standing loss; AC capacity = sizing.toml cooling margin x design
cooling load; heat-source capex quantity = measures.toml sizing_factor x design
heating load. No EnergyPlus: the loads are made by hand, with an annual peak
(the season-start reheat) above the design load so the two cannot be confused.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import pytest

import archetypes
from buildings import measures as M
from simulator import systems
from simulator.design_days import sizing_load_w
from simulator.loads import Loads

ROOT = Path(__file__).resolve().parents[1]


def _data(rel: str) -> dict:
    return tomllib.loads((ROOT / rel).read_text(encoding="utf-8"))


def _loads(design_heating_w, design_cooling_w, weather_id=""):
    heat = np.zeros(8760)
    heat[7632] = 90.0  # 15 Nov 00:00: a season-start spike of 90 kW
    heat[7633:8760] = 30.0
    heat[:1800] = 30.0
    cool = np.zeros(8760)
    cool[4500:5000] = 20.0
    cool[4600] = 70.0
    return Loads(floor_area_m2=1000.0, hourly_heating_kwh=heat, hourly_cooling_kwh=cool,
                 hourly_lighting_kwh=np.zeros(8760), hourly_equipment_kwh=np.zeros(8760),
                 hourly_window_solar_kwh=np.zeros(8760), peak_heating_w=heat.max() * 1000.0,
                 peak_cooling_w=cool.max() * 1000.0, engine="synthetic", weather_id=weather_id,
                 design_heating_w=design_heating_w, design_cooling_w=design_cooling_w)


@pytest.fixture(scope="module")
def home():
    return archetypes.load("old_estate_pre1990")


def _with(b, **changes):
    return b.replace(systems=dataclasses.replace(b.systems, **changes))


def test_heat_pump_and_ac_sized_from_the_design_loads(home, tianjin):
    loads = _loads(design_heating_w=50_000.0, design_cooling_w=40_000.0)
    d = systems.deliver(loads, _with(home, heating_source="ashp", cooling_system="split_ac"), tianjin)
    ashp_factor = _data("simulator/data/systems.toml")["ashp"]["sizing_factor"]["value"]
    ac_margin = _data("simulator/data/sizing.toml")["equipment_margin"]["cooling"]["value"]
    assert d.notes["hp_capacity_design_kw"] == pytest.approx(ashp_factor * 50.0, rel=1e-12)
    assert d.notes["cooling_capacity_kw"] == pytest.approx(ac_margin * 40.0, rel=1e-12)
    # not from the annual peaks (90 kW heating, 70 kW cooling)
    assert d.notes["hp_capacity_design_kw"] < ashp_factor * loads.peak_heating_w / 1000.0


def test_storage_heater_charges_a_design_day_in_the_valley(home, tianjin):
    d = systems.deliver(_loads(50_000.0, 40_000.0), _with(home, heating_source="electric_storage"), tianjin)
    s = _data("simulator/data/systems.toml")["electric_storage"]
    valley_h = (s["valley_end_hour"]["value"] - s["valley_start_hour"]["value"]) % 24
    expected = 50.0 * 24.0 / valley_h / (s["efficiency"]["value"] * (1 - s["standing_loss_fraction"]["value"]))
    assert d.notes["storage_heater_kw"] == pytest.approx(expected, rel=1e-12)


def test_without_a_design_load_the_peak_is_used(home, tianjin):
    loads = _loads(design_heating_w=None, design_cooling_w=None)
    assert sizing_load_w(loads, "heating") == loads.peak_heating_w
    d = systems.deliver(loads, _with(home, heating_source="ashp"), tianjin)
    ashp_factor = _data("simulator/data/systems.toml")["ashp"]["sizing_factor"]["value"]
    assert d.notes["hp_capacity_design_kw"] == pytest.approx(ashp_factor * 90.0, rel=1e-12)


def test_heat_source_capex_sized_on_the_design_load(home):
    kinds = _data("buildings/data/measures.toml")["kinds"]
    for name, kind in (("ashp", "ashp"), ("electric_storage", "electric_storage")):
        cost = M.measure_cost(M.measure(name), home, design_heating_w=50_000.0)
        assert cost.quantity == pytest.approx(50.0 * kinds[kind]["sizing_factor"]["value"], rel=1e-12)


def test_plant_design_load_from_the_buildings_design_loads():
    from simulator.plant.demand import PlantLoad

    n = 5
    z = np.zeros(n)
    demand = np.array([100.0, 400.0, 900.0, 300.0, 200.0])  # 900 kW: a season-start reheat hour
    loss = np.array([10.0, 12.0, 11.0, 15.0, 9.0])

    def load(groups):
        return PlantLoad(hour_index=np.arange(n), month=z, day=z, clock_hour=z, outdoor_c=z, dew_point_c=z,
                         pressure_pa=z, demand_kw=demand, supply_c=z, return_c=z, ground_c=z, loss_kw=loss,
                         floor_area_m2=1.0, groups=tuple(groups), network_ua_kw_k=1.0)

    sized = load([{"design_heating_kw": 300.0}, {"design_heating_kw": 250.0}])
    assert sized.design_load_kw == pytest.approx(300.0 + 250.0 + 15.0)
    unsized = load([{"design_heating_kw": 300.0}, {"design_heating_kw": None}])
    assert unsized.design_load_kw == pytest.approx(911.0)  # the largest hourly send-out


def test_unmet_heating_hours_in_the_summary():
    loads = dataclasses.replace(_loads(50_000.0, 40_000.0), meta={"heating_unmet_h": 3.25})
    assert loads.summary()["heating_unmet_h"] == 3.25
    assert _loads(50_000.0, 40_000.0).summary()["heating_unmet_h"] is None
