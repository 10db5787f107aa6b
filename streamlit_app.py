"""Streamlit entry point (``make run``): the Hongqiao retrofit simulator app.

Thin by design: navigation, shared sidebar widgets and page files live in
``simulator/app/``; pages call the library and hold no physics.
"""

from simulator.app.main import run

run()
