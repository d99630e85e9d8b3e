"""The security headers (``lab_ui/live/headers.py``): every answer of the real app carries
them — the page, page URLs, ``/_stcore/*``, Streamlit's static files, the live view's
component assets, the ``/bp/*`` routes, a refused WebSocket — and nginx passes them
through, adding a strict set only to its own answers.  The app runs in Starlette's
TestClient (``app.app``, the ``st.App`` that ``streamlit run`` serves)."""

from __future__ import annotations

import inspect
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import streamlit
from starlette.testclient import TestClient, WebSocketDenialResponse

from lab_ui.live import headers
from lab_ui.live.channel import endpoint

DEFAULT = headers.security_headers()
NAMES = ("content-security-policy", "x-content-type-options", "x-frame-options")


@pytest.fixture(scope="module")
def client():
    import app as app_module  # the ASGI app that `streamlit run app.py` serves

    with TestClient(app_module.app, base_url="http://127.0.0.1:8501") as c:
        yield c


def _assert_headers(response, expected=DEFAULT) -> None:
    for name in NAMES:
        values = response.headers.get_list(name)
        want = {k.lower(): v for k, v in expected.items()}.get(name)
        assert values == ([want] if want else []), (response.url, name, values)


def _paths(client) -> list[str]:
    """Every kind of route: pages, Streamlit's API, its static files (named in index.html),
    the component assets (as the browser asks for them), ours, an unknown path."""
    index = client.get("/").text
    scripts = re.findall(r'src="\./(static/js/[^"]+\.js)"', index)
    fonts = re.findall(r'href="\./(static/media/[^"]+\.woff2)"', index)
    assert scripts and fonts
    component = "/_stcore/bidi-components/backprop-lab.live_view"
    return [
        "/",
        "/Gradients",
        "/Step_through",
        "/Derivation?presenter=1",
        "/?preset=xor",
        "/_stcore/health",
        "/_stcore/host-config",
        "/" + scripts[0],
        "/" + fonts[0],
        "/favicon.png",
        f"{component}/live_view.js",
        f"{component}/live_view.css",
        "/bp/static/plotly.min.js",
        "/no/such/file.js",
    ]


def test_every_route_carries_the_headers_once(client):
    for path in _paths(client):
        for method in (client.get, client.head):
            response = method(path)
            assert response.status_code < 500, (path, response.status_code)
            _assert_headers(response)


def test_a_refused_live_socket_carries_them_too(client):
    with pytest.raises(WebSocketDenialResponse) as err:
        with client.websocket_connect(endpoint.PATH, headers={"origin": "http://evil.example"}):
            pass
    assert err.value.status_code == 403
    _assert_headers(err.value)


def test_the_default_policy():
    csp = DEFAULT["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'" and DEFAULT["X-Frame-Options"] == "SAMEORIGIN"
    assert DEFAULT["X-Content-Type-Options"] == "nosniff"
    script = directives["script-src"].split()
    assert "'unsafe-eval'" not in script and "'unsafe-inline'" not in script
    assert "*" not in csp and "http:" not in csp and "https:" not in csp
    assert directives["object-src"] == "'none'"
    # the one inline script of Streamlit's index.html, by its hash
    assert any(s.startswith("'sha256-") for s in script)
    assert headers.streamlit_inline_scripts()[0] in script


def test_the_inline_script_hash_is_read_from_the_installed_streamlit():
    """If an upgrade changes Streamlit's inline scripts, the hashes follow (and the browser
    test finds any new kind of violation)."""
    import base64
    import hashlib
    from pathlib import Path

    html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text("utf-8")
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert bodies, "Streamlit's index.html has no inline script any more: drop the hash"
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in headers.streamlit_inline_scripts()


def test_st_app_takes_middleware_as_public_api():
    """The headers are added through ``st.App(middleware=...)``, public API since st.App
    exists; if a Streamlit upgrade drops it, this fails first (and so do the route tests)."""
    params = inspect.signature(streamlit.App).parameters
    assert "middleware" in params and params["middleware"].kind is inspect.Parameter.KEYWORD_ONLY


# -- who may frame the app: BACKPROP_LAB_FRAME_ANCESTORS ----------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "'self'", "self"])
def test_unset_or_self_means_this_site_only(value):
    assert headers.frame_ancestors(value) == ("'self'",)
    env = {} if value is None else {headers.FRAME_ANCESTORS_ENV: value}
    assert headers.security_middleware(env).kwargs["headers"] == DEFAULT


def test_a_course_site_may_frame_the_app_and_x_frame_options_steps_aside():
    env = {headers.FRAME_ANCESTORS_ENV: "https://Course.Example.edu https://*.example.org:8443/"}
    got = headers.security_middleware(env).kwargs["headers"]
    assert got["Content-Security-Policy"].endswith(
        "frame-ancestors 'self' https://course.example.edu https://*.example.org:8443"
    )
    # X-Frame-Options cannot name another site (ALLOW-FROM is gone from browsers): left out
    assert "X-Frame-Options" not in got and got["X-Content-Type-Options"] == "nosniff"


def test_none_forbids_every_frame():
    got = headers.security_headers(headers.frame_ancestors("'none'"))
    assert got["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert got["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "word",
    [
        "https://a.example;script-src",  # a second directive smuggled in
        "https://a.example/course/page",  # a path
        "javascript:alert(1)",
        "https://a.example,https://b.example",  # commas are not separators
        "*",
        "https:",
        "ftp://a.example",
        "'unsafe-inline'",
        "https://a.example:123456",
    ],
)
def test_anything_but_origins_is_refused_at_start_with_a_sentence(word):
    with pytest.raises(ValueError) as err:
        headers.security_middleware({headers.FRAME_ANCESTORS_ENV: f"https://ok.example {word}"})
    message = str(err.value)
    assert headers.FRAME_ANCESTORS_ENV in message and "https://course.example.edu" in message
    assert repr(word[:80]) in message and message.endswith("is not one.")


def test_none_with_origins_is_refused():
    with pytest.raises(ValueError, match="on its own"):
        headers.frame_ancestors("'none' https://a.example")


def test_a_route_header_of_the_same_name_is_replaced_not_doubled():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def page(request):
        return PlainTextResponse("x", headers={"X-Frame-Options": "ALLOWALL", "X-Other": "1"})

    app = Starlette(routes=[Route("/", page)], middleware=[headers.security_middleware({})])
    with TestClient(app) as c:
        r = c.get("/")
    _assert_headers(r)
    assert r.headers["x-other"] == "1"


# -- behind nginx ---------------------------------------------------------------------------------


def _nginx():
    from deploy.run_cluster import find_nginx

    binary = find_nginx()
    if binary is None:
        import os

        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the proxy test must run under CI=true, but nginx is not installed")
        pytest.skip("nginx is not installed (apt-get install nginx; /usr/sbin/nginx)")
    return binary


def _get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as e:
        return e


def test_nginx_passes_the_apps_headers_through_unchanged():
    from deploy.run_cluster import Cluster

    _nginx()
    with Cluster(processes=1) as c:
        for path in ("/", "/Gradients", "/_stcore/health", "/bp/static/plotly.min.js"):
            r = _get(c.url + path)
            assert r.status == 200, path
            for name in NAMES:
                want = {k.lower(): v for k, v in DEFAULT.items()}[name]
                assert r.headers.get_all(name) == [want], (path, name)


def test_nginx_gives_its_own_answers_a_strict_set(tmp_path):
    """Every process down: nginx answers 502 itself, with the fallback headers."""
    from deploy.run_cluster import free_port, render_config

    binary = _nginx()
    (tmp_path / "tmp").mkdir()
    port, dead = free_port(), free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_config(port, [dead], tmp_path))
    base = [binary, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")]
    nginx = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if time.monotonic() > deadline or nginx.poll() is not None:
                    raise
                time.sleep(0.1)
        assert r.status == 502
        assert r.headers.get_all("content-security-policy") == [
            "default-src 'none'; frame-ancestors 'self'"
        ]
        assert r.headers.get_all("x-content-type-options") == ["nosniff"]
        assert r.headers.get_all("x-frame-options") == ["SAMEORIGIN"]
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
