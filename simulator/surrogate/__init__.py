"""Surrogate model of the EnergyPlus engine (scikit-learn), see :mod:`simulator.surrogate.engine`."""
