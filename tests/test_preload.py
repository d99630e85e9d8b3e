"""The page's HTML preloads its component's JavaScript (lab_ui.live.preload).

Two facts of Streamlit's that no public API states are checked here, so that an upgrade that
changes them fails this test instead of silently preloading files nobody asks for: the name of
the chunk that runs components, and the path a declared component's files are served under.
"""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path

import streamlit

from lab_ui.live import preload

STATIC_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"


def test_streamlit_has_one_components_chunk():
    chunks = preload.streamlit_chunks()
    assert len(chunks) == 1, f"Streamlit's components chunk is not BidiComponent.*.js: {chunks}"
    assert (STATIC_JS.parent.parent / chunks[0]).is_file()


def test_streamlit_serves_component_files_where_the_links_point():
    prefix = "/" + preload.ASSET_PATH.split("{project}")[0].rstrip("/")  # /_stcore/bidi-components
    bundles = list(STATIC_JS.glob("index.*.js"))
    assert bundles and any(prefix in p.read_text("utf-8", errors="replace") for p in bundles), (
        f"Streamlit no longer serves declared components under {prefix}"
    )


def test_every_module_the_entry_imports_is_linked_entry_first_and_no_other():
    files = preload.component_files("live_view")
    names = [f.rsplit("/", 1)[1] for f in files]
    assert files[0].endswith("/backprop-lab.live_view/live_view.js")
    folder = preload.ASSETS / "live_view"
    for name in names:  # closed under import: every sibling a linked module imports is linked
        text = (folder / name).read_text("utf-8")
        for imported in re.findall(r'from\s*"\./([\w.-]+\.js)"', text):
            assert imported in names, f"{name} imports {imported}, which is not preloaded"
    assert len(names) == len(set(names))
    # the Step-through page's entry is a module of the same folder that the Playground never loads
    assert "net_view.js" not in names and (folder / "net_view.js").is_file()
    assert preload.component_files("keys")[0].endswith("/backprop-lab.keys/keys.js")


def test_the_style_sheet_is_preloaded_as_the_component_loader_links_it():
    styles = preload.component_styles("live_view")
    assert styles == ["_stcore/bidi-components/backprop-lab.live_view/live_view.css"]
    tags = preload.tags_for("/", [], {}, "", {"live_view": styles}).decode()
    assert tags == f'<link rel="preload" as="style" href="./{styles[0]}">'
    assert [s.rsplit("/", 1)[1] for s in preload.component_styles("keys")] == [
        p.name for p in (preload.ASSETS / "keys").glob("keys.css")
    ]


def test_the_playground_gets_the_live_view_and_other_pages_the_key_listener():
    chunks, files = ["static/js/C.js"], {"live_view": ["lv.js"], "keys": ["k.js"]}
    for path, base in (("/", ""), ("", ""), ("/Playground", ""), ("/base/", "base")):
        tags = preload.tags_for(path, chunks, files, base).decode()
        assert 'href="./static/js/C.js"' in tags and 'href="./lv.js"' in tags and "k.js" not in tags
    tags = preload.tags_for("/base/Step_through", chunks, files, "/base").decode()
    assert 'href="./k.js"' in tags and "lv.js" not in tags
    assert tags.count('<link rel="modulepreload" crossorigin') == 2


def test_tags_go_just_before_the_end_of_head():
    html = b"<html><head><title>t</title></head><body></body></html>"
    out = preload.insert_tags(html, b"<link>")
    assert out == b"<html><head><title>t</title><link></head><body></body></html>"
    assert preload.insert_tags(b"no head", b"<link>") == b"no head"


def _serve(middleware, path, body=b"<head></head>", kind=b"text/html; charset=utf-8", enc=True):
    """One request through the middleware to an app answering ``body``; returns (start, body,
    the request headers the app saw)."""
    seen = {}

    async def app(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(body))],
            }
        )
        half = len(body) // 2
        await send({"type": "http.response.body", "body": body[:half], "more_body": True})
        await send({"type": "http.response.body", "body": body[half:], "more_body": False})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    headers = [(b"accept-encoding", b"gzip")] if enc else []
    scope = {"type": "http", "method": "GET", "path": path, "headers": headers}
    # in a thread of its own: a browser test's loop may still be set in this one
    worker = threading.Thread(target=asyncio.run, args=(middleware(app)(scope, receive, send),))
    worker.start()
    worker.join(timeout=30)
    start = sent[0]
    return start, b"".join(m.get("body", b"") for m in sent[1:]), seen["headers"]


def test_the_middleware_edits_a_page_and_nothing_else():
    mw = preload.ModulePreload
    start, body, asked = _serve(mw, "/")
    assert body.startswith(b'<head><link rel="modulepreload"') and body.endswith(b"</head>")
    assert dict(start["headers"])[b"content-length"] == b"%d" % len(body)
    assert b"accept-encoding" not in asked  # the page comes uncompressed, to be edited
    # a component's file, Streamlit's own, and anything that is not HTML pass untouched
    for path, kind in (
        ("/_stcore/bidi-components/backprop-lab.live_view/live_view.js", b"text/html"),
        ("/static/js/index.js", b"text/html"),
        ("/favicon.png", b"image/png"),
    ):
        start, body, _ = _serve(mw, path, kind=kind)
        assert body == b"<head></head>"
