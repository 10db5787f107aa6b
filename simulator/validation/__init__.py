"""Validation suites run through the project's own model and engine (ASHRAE Standard 140)."""
