"""Calibration of an archetype to a building's meters (issue 13).

* :mod:`.own_building` - an archetype file from what an engineer knows;
* :mod:`.meters` - meter files (CSV/Excel, monthly or billing periods) in;
* :mod:`.metrics` - ASHRAE Guideline 14 CV(RMSE) and NMBE;
* :mod:`.priors` - the uncertain parameters and their priors (data file);
* :mod:`.bayes` - the likelihood and the emcee sampler with diagnostics;
* :mod:`.calibrate` - the orchestrator: posterior, EnergyPlus re-run, savings;
* :mod:`.cli` - ``retrofit calibrate`` and ``retrofit own-building``.
"""
