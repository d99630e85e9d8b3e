"""Shared test settings: hypothesis profiles with fixed derandomized seeds."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.load_profile("ci" if os.environ.get("CI") else "default")
