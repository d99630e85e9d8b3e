"""The app uses only public Streamlit APIs, and its component is registered the public way."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRIVATE = re.compile(r"streamlit\.runtime|manifest_scanner|PagesManager|streamlit\.web\.")


def _app_sources() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    for pkg in ("lab_ui", "backprop_lab"):
        files += sorted((ROOT / pkg).rglob("*.py"))
    return files


def test_no_private_streamlit_api_in_the_app():
    hits = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in _app_sources()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert hits == []


def test_the_main_script_has_no_pages_folder_beside_it():
    # Streamlit runs a script with a sibling pages/ folder in its legacy multipage mode.
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    main = re.search(r'st\.App\(\s*"([^"]+)"', app).group(1)
    assert (ROOT / main).is_file()
    assert not (ROOT / main).parent.joinpath("pages").exists()


def test_the_live_view_is_declared_in_the_project_manifest():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    comps = meta["tool"]["streamlit"]["component"]["components"]
    (entry,) = [c for c in comps if c["name"] == "live_view"]
    assets = ROOT / "backprop_lab" / entry["asset_dir"]
    assert (assets / "live_view.js").is_file() and (assets / "live_view.css").is_file()
    from lab_ui.live.live_view import COMPONENT

    assert COMPONENT == f"{meta['project']['name']}.live_view"
    assert "backprop_lab" in meta["tool"]["setuptools"]["packages"]


def test_the_step_pages_diagram_is_declared_on_the_live_views_assets():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    comps = meta["tool"]["streamlit"]["component"]["components"]
    (entry,) = [c for c in comps if c["name"] == "net_view"]
    assert entry["asset_dir"] == "live_view"  # the same diagram.js as the live view's
    assert (ROOT / "backprop_lab" / "live_view" / "net_view.js").is_file()
    from lab_ui.live.net_view import COMPONENT

    assert COMPONENT == f"{meta['project']['name']}.net_view"


def test_the_installed_project_is_found_by_streamlits_scan():
    # ``pip install -e .`` (README, .ci/run) makes Streamlit find the manifest at start-up.
    import importlib.metadata

    dist = importlib.metadata.distribution("backprop-lab")
    assert dist is not None
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "from lab_ui.live.channel import LiveSession\n"
        "from lab_ui.live.live_view import live_view\n"
        "live_view(LiveSession())\n"
    ).run(timeout=30)
    assert not at.exception
