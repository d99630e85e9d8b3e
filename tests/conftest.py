"""Shared test settings: one BLAS thread (as the app uses), hypothesis profiles with fixed
derandomized seeds."""

import os

# The matrices here are small; on a 2-core machine a second BLAS thread only fights the
# first (and the browser tests' server) for the cores.  Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
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


@pytest.fixture(scope="module")
def cluster():
    """nginx in front of two Streamlit processes on loopback (``deploy.run_cluster``), for
    the module's tests; every process is stopped after them.  Under CI=true nginx must be
    there; elsewhere the tests skip without it."""
    from deploy.run_cluster import Cluster, find_nginx

    if find_nginx() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the proxy test must run under CI=true, but nginx is not installed")
        pytest.skip("nginx is not installed (apt-get install nginx; /usr/sbin/nginx)")
    c = Cluster(processes=2)
    try:
        c.start(timeout=90)
        yield c
    finally:
        c.stop()
        assert not c.alive()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """The browser tests share one app server and one Chromium (session fixtures), and their
    timings assume the machine's cores are not shared with a second browser: under
    ``pytest -n 2 --dist loadgroup`` (the README's command) they all run, in order, on one
    worker, while the other worker takes the rest of the suite."""
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))
