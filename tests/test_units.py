"""The units-and-calendar module: the calendar by hand, the saturation pressure against the steam tables."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import units


def test_calendar_by_hand():
    assert units.HOURS_PER_YEAR == 8760 and units.HOURS_PER_LEAP_YEAR == 8784
    assert sum(units.DAYS_IN_MONTH) == 365 and units.DAYS_IN_MONTH[1] == 28
    assert units.MONTH_START_DAY[:4] == (0, 31, 59, 90) and units.MONTH_START_DAY[-1] == 365
    assert units.MONTH_OF_HOUR[[0, 743, 744, 8759]].tolist() == [0, 0, 1, 11]  # 31 x 24 = 744 January hours
    assert units.MONTH_OF_DAY[[0, 30, 31, 58, 59, 364]].tolist() == [0, 0, 1, 1, 2, 11]
    assert units.day_of_year(3, 1) == 60 and units.day_of_year(12, 31) == 365
    assert units.day_of_year(np.array([1, 2]), np.array([1, 1])).tolist() == [1, 32]
    assert [units.month_and_day(d) for d in (1, 31, 32, 59, 60, 365)] == [
        (1, 1), (1, 31), (2, 1), (2, 28), (3, 1), (12, 31)]
    assert all(units.day_of_year(*units.month_and_day(d)) == d for d in range(1, 366))
    assert units.SECONDS_PER_YEAR == 365 * 86400
    with pytest.raises(ValueError, match="1..365"):
        units.month_and_day(366)


@pytest.mark.parametrize(("t_c", "over_ice", "table_pa"), [
    # Saturation pressure from the IAPWS formulations as tabulated in Cengel & Boles,
    # Thermodynamics, Table A-4 (over water: 20 C 2.3392 kPa, 30 C 4.2469 kPa) and Table A-8
    # (over ice: -10 C 0.2601 kPa, -20 C 0.1035 kPa); values recalled, not re-read here.
    (20.0, False, 2339.2), (30.0, False, 4246.9), (-10.0, True, 260.1), (-20.0, True, 103.5)])
def test_saturation_pressure_matches_the_steam_tables(t_c, over_ice, table_pa):
    # Tolerance 0.5 %: the Magnus forms of Alduchov & Eskridge (1996) stay within a few tenths of a
    # percent of the reference formulations over -40..50 C (water) and -80..0 C (ice); plus the
    # 4-5 significant digits of the printed table.
    assert float(units.saturation_vapour_pressure_pa(t_c, over_ice)) == pytest.approx(table_pa, rel=5e-3)


def test_humidity_ratio_by_hand():
    # 0.621945 x 2000 / (101325 - 2000) = 0.0125230 kg/kg
    assert float(units.humidity_ratio_kg_kg(2000.0, 101325.0)) == pytest.approx(0.621945 * 2000 / 99325, rel=1e-12)


def test_weather_and_systems_use_the_one_formula():
    """weather.meteo's hPa and systems' Pa saturation pressure are the units formula."""
    from simulator import systems
    from weather import meteo

    t = np.linspace(-30.0, 40.0, 15)
    assert systems.saturation_vapour_pressure_pa is units.saturation_vapour_pressure_pa
    np.testing.assert_allclose(meteo.saturation_vapour_pressure_hpa(t) * 100.0,
                               units.saturation_vapour_pressure_pa(t), rtol=1e-15)
