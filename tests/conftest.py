"""Shared test settings: one BLAS thread (as the app uses), hypothesis profiles with fixed
derandomized seeds."""

import os

# The matrices here are small; on a 2-core machine a second BLAS thread only fights the
# first (and the browser tests' server) for the cores.  Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

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
