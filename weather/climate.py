"""Climate statistics of a weather year: monthly table, degree-days, design temperatures.

Definitions (the same as the project's shared weather README):

- daily mean, max and min are taken over the 24 hourly dry-bulb values;
- HDD18 = sum over days of ``max(0, 18 - Tmean_day)``, CDD26 likewise with
  ``max(0, Tmean_day - 26)`` [K d];
- monthly GHI = sum of hourly GHI / 1000 [kWh/m2];
- heating season = 15 Nov - 15 Mar inclusive, wrapping within the one year
  (121 days), its mean over the hourly values;
- heating design dry bulb "99.6 %" = 0.4th percentile of the 8760 hourly
  dry-bulb values, cooling design "0.4 %" = 99.6th percentile (numpy linear
  interpolation between order statistics);
- diffuse fraction = annual sum DHI / annual sum GHI [-];
- day-to-day variability = sample standard deviation of the change of the
  daily mean dry bulb from one day to the next [K].
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .epw import Weather

HEATING_BASE_C = 18.0
COOLING_BASE_C = 26.0
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHLY_COLUMNS = ("dry_bulb_mean_c", "dry_bulb_max_mean_c", "dry_bulb_min_mean_c",
                   "rel_humidity_mean_pct", "ghi_kwh_m2", "wind_speed_mean_m_s")


@dataclass(frozen=True)
class ClimateStats:
    """Climate statistics of one weather year (see the module docstring for definitions).

    ``monthly`` has one row per month (index 1-12) with :data:`MONTHLY_COLUMNS`;
    ``annual`` holds the same keys for the whole year (GHI summed, others averaged).
    """

    monthly: pd.DataFrame
    annual: dict[str, float]
    hdd18_kd: float
    cdd26_kd: float
    cdd18_kd: float
    heating_season_mean_c: float
    heating_season_hdd18_kd: float
    heating_design_996_c: float
    cooling_design_004_c: float
    diffuse_fraction: float
    daily_mean_change_sd_k: float
    days_mean_at_or_below_5c: int
    dry_bulb_min_c: float
    dry_bulb_max_c: float

    def to_dict(self) -> dict:
        """Plain JSON-ready dict; monthly values as lists (Jan..Dec)."""
        d = asdict(self)
        d["monthly"] = {c: [round(float(x), 3) for x in self.monthly[c]] for c in self.monthly.columns}
        d["annual"] = {k: round(float(v), 3) for k, v in self.annual.items()}
        return {k: (round(float(v), 4) if isinstance(v, float | np.floating) else v) for k, v in d.items()}

    def to_markdown(self) -> str:
        """Monthly table plus the scalar statistics, as markdown."""
        head = ("| Month | Mean DB (C) | Mean daily max (C) | Mean daily min (C) | Mean RH (%) "
                "| GHI (kWh/m2) | Mean wind (m/s) |\n|---|---:|---:|---:|---:|---:|---:|")
        rows = [_md_row(MONTH_NAMES[m - 1], self.monthly.loc[m]) for m in range(1, 13)]
        rows.append(_md_row("**Year**", pd.Series(self.annual)))
        lines = [head, *rows, "",
                 f"- HDD18 {self.hdd18_kd:.0f} K d, CDD26 {self.cdd26_kd:.0f} K d, CDD18 {self.cdd18_kd:.0f} K d",
                 f"- Heating season 15 Nov - 15 Mar: mean {self.heating_season_mean_c:.2f} C, "
                 f"HDD18 {self.heating_season_hdd18_kd:.0f} K d",
                 f"- Design dry bulb: heating 99.6 % {self.heating_design_996_c:.1f} C, "
                 f"cooling 0.4 % {self.cooling_design_004_c:.1f} C; extremes "
                 f"{self.dry_bulb_min_c:.1f} / {self.dry_bulb_max_c:.1f} C",
                 f"- Diffuse fraction {self.diffuse_fraction:.3f}; SD of day-to-day change of daily "
                 f"mean {self.daily_mean_change_sd_k:.2f} K; days with mean <= 5 C: "
                 f"{self.days_mean_at_or_below_5c}"]
        return "\n".join(lines)


def _md_row(label: str, r: pd.Series) -> str:
    return (f"| {label} | {r['dry_bulb_mean_c']:.1f} | {r['dry_bulb_max_mean_c']:.1f} | "
            f"{r['dry_bulb_min_mean_c']:.1f} | {r['rel_humidity_mean_pct']:.0f} | "
            f"{r['ghi_kwh_m2']:.1f} | {r['wind_speed_mean_m_s']:.1f} |")


def daily_dry_bulb_c(data: pd.DataFrame) -> pd.DataFrame:
    """Daily mean, max and min dry bulb [C] (365 rows) with the month and day of each day."""
    t = data["dry_bulb_c"].to_numpy(dtype=float).reshape(365, 24)
    return pd.DataFrame({"month": data["month"].to_numpy()[::24], "day": data["day"].to_numpy()[::24],
                         "mean_c": t.mean(axis=1), "max_c": t.max(axis=1), "min_c": t.min(axis=1)})


def degree_days_kd(daily_mean_c: np.ndarray, base_c: float, heating: bool) -> float:
    """Daily-mean degree-days [K d]: sum of ``max(0, base - T)`` (heating) or ``max(0, T - base)``."""
    diff = base_c - daily_mean_c if heating else daily_mean_c - base_c
    return float(np.maximum(0.0, diff).sum())


def heating_season_mask(month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """True from 15 Nov to 15 Mar inclusive (wrapping around New Year)."""
    month, day = np.asarray(month), np.asarray(day)
    return ((month == 11) & (day >= 15)) | (month == 12) | (month <= 2) | ((month == 3) & (day <= 15))


def stats(w: Weather) -> ClimateStats:
    """Climate statistics of a weather year.

    Parameters
    ----------
    w
        The weather.

    Returns
    -------
    ClimateStats
    """
    d = w.data
    daily = daily_dry_bulb_c(d)
    by_month = d.groupby("month")
    daily_by_month = daily.groupby("month")
    monthly = pd.DataFrame({
        "dry_bulb_mean_c": by_month["dry_bulb_c"].mean(),
        "dry_bulb_max_mean_c": daily_by_month["max_c"].mean(),
        "dry_bulb_min_mean_c": daily_by_month["min_c"].mean(),
        "rel_humidity_mean_pct": by_month["rel_humidity_pct"].mean(),
        "ghi_kwh_m2": by_month["ghi_wh_m2"].sum() / 1000.0,
        "wind_speed_mean_m_s": by_month["wind_speed_m_s"].mean(),
    })
    annual = {
        "dry_bulb_mean_c": float(d["dry_bulb_c"].mean()),
        "dry_bulb_max_mean_c": float(daily["max_c"].mean()),
        "dry_bulb_min_mean_c": float(daily["min_c"].mean()),
        "rel_humidity_mean_pct": float(d["rel_humidity_pct"].mean()),
        "ghi_kwh_m2": float(d["ghi_wh_m2"].sum() / 1000.0),
        "wind_speed_mean_m_s": float(d["wind_speed_m_s"].mean()),
    }
    tmean = daily["mean_c"].to_numpy()
    season_h = heating_season_mask(d["month"], d["day"])
    season_d = heating_season_mask(daily["month"], daily["day"])
    t_hourly = d["dry_bulb_c"].to_numpy(dtype=float)
    ghi_sum = float(d["ghi_wh_m2"].sum())
    return ClimateStats(
        monthly=monthly,
        annual=annual,
        hdd18_kd=degree_days_kd(tmean, HEATING_BASE_C, heating=True),
        cdd26_kd=degree_days_kd(tmean, COOLING_BASE_C, heating=False),
        cdd18_kd=degree_days_kd(tmean, HEATING_BASE_C, heating=False),
        heating_season_mean_c=float(t_hourly[season_h].mean()),
        heating_season_hdd18_kd=degree_days_kd(tmean[season_d], HEATING_BASE_C, heating=True),
        heating_design_996_c=float(np.percentile(t_hourly, 0.4)),
        cooling_design_004_c=float(np.percentile(t_hourly, 99.6)),
        diffuse_fraction=float(d["dhi_wh_m2"].sum() / ghi_sum) if ghi_sum > 0 else float("nan"),
        daily_mean_change_sd_k=float(np.std(np.diff(tmean), ddof=1)),
        days_mean_at_or_below_5c=int((tmean <= 5.0).sum()),
        dry_bulb_min_c=float(t_hourly.min()),
        dry_bulb_max_c=float(t_hourly.max()),
    )
