"""District roadmap: the Hongqiao building stock year by year against the carbon-peak targets.

- :mod:`~simulator.district.stock`: the stock as data (segments) and its sampling into buildings;
- :mod:`~simulator.district.scenario`: scenarios as TOML data files, year by year;
- :mod:`~simulator.district.packages`: a package's effect on any building of an archetype;
- :mod:`~simulator.district.accounting`: loads -> systems -> carbon -> bills, vectorised over buildings;
- :mod:`~simulator.district.targets`: indicators per year and the targets;
- :mod:`~simulator.district.roadmap`: the orchestrator (local or Dask);
- :mod:`~simulator.district.uncertainty`, :mod:`~simulator.district.optimise`: Monte Carlo, levers, cheapest programme;
- :mod:`~simulator.district.cli`: ``retrofit roadmap``.
"""
