"""The page asks for the live view's JavaScript as it starts, not after Streamlit has drawn it.

Without help the browser learns of the live view's modules late, one step after another: the
Streamlit bundle loads, its socket opens, the script runs, the page's elements arrive, React
meets the component and only then loads Streamlit's components chunk
(``static/js/BidiComponent.*.js``, with its dependencies), which loads ``live_view.js``,
whose imports load the other modules, whose imports load the rest.  On the 2-core development
machine that chain took 0.5–0.6 s of the 1.8–2.6 s to the first full frame
(``bench/bench_browser.py``).

:func:`preload_middleware` (for ``st.App(..., middleware=[...])``, public Streamlit API)
adds ``<link rel="modulepreload">`` tags to the page's HTML: the components chunk and every
module of the page's component (the live view's on the Playground, the key listener's on the
other pages).  The browser then fetches and compiles them while Streamlit's own bundle
loads, and the component mounts as soon as React meets it.  Nothing else changes: a link
that goes stale only costs a wasted request.

Two facts of Streamlit's that no public API states are used here, each found in one
function and checked by ``tests/test_preload.py`` (which fails on an upgrade that changes
them): the name of the components chunk (:func:`streamlit_chunks`) and the path the assets
of a component declared in ``pyproject.toml`` are served under (:data:`ASSET_PATH`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware

ROOT = Path(__file__).resolve().parents[2]
#: The components' folders (``[tool.streamlit.component]`` in pyproject.toml).
ASSETS = ROOT / "backprop_lab"
#: Where Streamlit serves a declared component's files, relative to the page.
ASSET_PATH = "_stcore/bidi-components/{project}.{component}/{file}"
PROJECT = "backprop-lab"
#: The page's last path segment → its component ("" is the default page, the Playground).
PAGE_COMPONENT = {"": "live_view", "playground": "live_view"}
OTHER_PAGES = "keys"
#: Paths that are never a page (their answers pass through untouched).
NOT_PAGES = ("/_stcore/", "/static/", "/bp/", "/media/", "/component/", "/app/static/")


def streamlit_chunks() -> list[str]:
    """Streamlit's chunk that runs components (``static/js/BidiComponent.<hash>.js``), as a
    path relative to the page; empty if the installed Streamlit has none of that name."""
    import streamlit

    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    return [f"static/js/{p.name}" for p in sorted(js.glob("BidiComponent.*.js"))]


#: A static import of a sibling module (``import … from "./x.js"``; the modules import each
#: other only this way).
IMPORT = re.compile(r"""^\s*import\b[^;]*?\bfrom\s*["']\./([\w.-]+\.js)["']""", re.M | re.S)


def import_graph(folder: Path, entry: str) -> list[str]:
    """The modules ``entry`` loads (itself first, then in the order its imports reach them):
    only these are preloaded, so a module no import reaches (another page's entry) is not."""
    order: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop(0)
        if name in order or not (folder / name).is_file():
            continue
        order.append(name)
        todo.extend(IMPORT.findall((folder / name).read_text("utf-8")))
    return order


def component_files(component: str) -> list[str]:
    """The component's JavaScript modules its entry imports (the entry first), as paths
    relative to the page."""
    names = import_graph(ASSETS / component, f"{component}.js")
    return [ASSET_PATH.format(project=PROJECT, component=component, file=n) for n in names]


def component_styles(component: str) -> list[str]:
    """The component's style sheet (``<component>.css``, the one its declaration names), if
    it has one, as a path relative to the page."""
    name = f"{component}.css"
    found = (ASSETS / component / name).is_file()
    return [ASSET_PATH.format(project=PROJECT, component=component, file=name)] if found else []


def preload_tags(hrefs: Iterable[str], styles: Iterable[str] = ()) -> bytes:
    """``<link rel="modulepreload">`` tags for these page-relative paths (written as Streamlit
    writes its own: ``./`` relative, ``crossorigin``), and ``<link rel="preload"
    as="style">`` for the style sheets (no ``crossorigin``: Streamlit's component loader
    links the sheet without one, so the preloaded copy is the one it uses)."""
    modules = "".join(f'<link rel="modulepreload" crossorigin href="./{h}">' for h in hrefs)
    sheets = "".join(f'<link rel="preload" as="style" href="./{h}">' for h in styles)
    return (modules + sheets).encode("utf-8")


def tags_for(
    path: str,
    chunks: list[str],
    files: dict[str, list[str]],
    base: str = "",
    styles: dict[str, list[str]] | None = None,
) -> bytes:
    """The tags for the page at ``path`` (under ``base``, Streamlit's ``server.baseUrlPath``)."""
    rest = path.strip("/")
    base = base.strip("/")
    if base and (rest == base or rest.startswith(base + "/")):
        rest = rest[len(base) :]
    page = rest.strip("/").rsplit("/", 1)[-1].lower()
    component = PAGE_COMPONENT.get(page, OTHER_PAGES)
    return preload_tags([*chunks, *files.get(component, [])], (styles or {}).get(component, []))


def insert_tags(html: bytes, tags: bytes) -> bytes:
    """``html`` with ``tags`` just before ``</head>`` (unchanged if it has none)."""
    at = html.find(b"</head>")
    return html if at < 0 or not tags else html[:at] + tags + html[at:]


class ModulePreload:
    """ASGI middleware: a GET of a page (its HTML) gets :func:`tags_for` its path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._chunks = streamlit_chunks()
        components = {*PAGE_COMPONENT.values(), OTHER_PAGES}
        self._files = {c: component_files(c) for c in components}
        self._styles = {c: component_styles(c) for c in components}
        import streamlit as st

        self._base = str(st.get_option("server.baseUrlPath") or "")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] != "http" or scope.get("method") != "GET" or path.startswith(NOT_PAGES):
            await self.app(scope, receive, send)
            return
        # the HTML uncompressed and as a body (not a file handed to the server), to edit it
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        extensions = {
            k: v for k, v in (scope.get("extensions") or {}).items() if "pathsend" not in k
        }
        scope = {**scope, "headers": headers, "extensions": extensions}
        tags = tags_for(path, self._chunks, self._files, self._base, self._styles)
        start: dict | None = None
        body: list[bytes] = []

        async def send_edited(message: Any) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kinds = [v for k, v in message.get("headers", []) if k.lower() == b"content-type"]
                if message.get("status") == 200 and kinds and kinds[0].startswith(b"text/html"):
                    start = message  # held until the body is complete
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                html = insert_tags(b"".join(body), tags)
                kept = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                kept.append((b"content-length", str(len(html)).encode("latin-1")))
                await send({**start, "headers": kept})
                await send({"type": "http.response.body", "body": html, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, send_edited)


def preload_middleware() -> Middleware:
    """The middleware for ``st.App(..., middleware=[...])``."""
    return Middleware(ModulePreload)
