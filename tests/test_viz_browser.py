"""The HTML page in a real headless Chromium, with every network request blocked.

Needs the Debian ``chromium`` package (``scripts/ensure-system-deps`` installs it) and
Playwright for Python (the ``test`` extra); Playwright drives the system browser through
``executable_path``, so no browser download is involved.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)

import msbackpain

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
READY = "body[data-msbp-ready=true]"
IMG_LABEL = "<img src=x onerror=alert(1)>"
SCRIPT_LABEL = "</script><script>window.__xss=2</script>"
HOSTILE_TTL = """\
@prefix msbp: <https://w3id.org/msbackpain/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

msbp:EvilImage a msbp:Factor ;
    rdfs:label "<img src=x onerror=alert(1)>" ;
    skos:definition "<img src=x onerror=\\"window.__xss=1\\">" .
msbp:EvilScript a msbp:Factor ;
    rdfs:label "</script><script>window.__xss=2</script>" .
msbp:EvilImage msbp:triggers msbp:LhermittesSign .
msbp:EvilScript msbp:triggers msbp:LhermittesSign .
"""

pytestmark = [
    pytest.mark.slow,  # a real browser per test
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="needs the Debian chromium package (scripts/ensure-system-deps installs it)",
    ),
]


class Watch:
    """What a page did that it should not: console errors, page errors, requests, dialogs."""

    def __init__(self, context: BrowserContext) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def attach(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._dialog)
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(("file:", "data:", "about:"))
                else self.requests.append(request.url)
            ),
        )
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.requests == []
        assert self.dialogs == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    yield made
    made.close()


@pytest.fixture
def watch(context: BrowserContext) -> Watch:
    return Watch(context)


def open_page(context: BrowserContext, watch: Watch, path: Path) -> Page:
    page = watch.attach(context.new_page())
    page.goto(path.as_uri())
    page.wait_for_selector(READY, state="attached", timeout=30_000)
    return page


def node_point(page: Page, node: str) -> tuple[float, float]:
    """Where ``node`` is drawn, in page coordinates (from vis-network's own API)."""
    x, y = page.evaluate(
        """(id) => {
            const net = msbpViewer.network;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById("msbp-network").getBoundingClientRect();
            return [p.x + box.left, p.y + box.top];
        }""",
        node,
    )
    return float(x), float(y)


def drawn_pixels(page: Page) -> int:
    return int(
        page.evaluate(
            """() => {
                const c = document.querySelector("#msbp-network canvas");
                const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 200) n++;
                return n;
            }"""
        )
    )


def test_bundle_renders_offline_and_answers(
    tmp_path: Path, kg: msbackpain.KnowledgeGraph, context: BrowserContext, watch: Watch
) -> None:
    G = kg.to_networkx()
    page = open_page(
        context, watch, kg.visualize(tmp_path / "graph.html").save(tmp_path / "graph.html")
    )

    # The graph rendered: vis-network holds and draws exactly the graph's nodes and edges.
    assert page.evaluate("Object.keys(msbpViewer.network.getPositions()).length") == len(G)
    assert page.evaluate("msbpViewer.network.body.nodeIndices.length") == len(G)
    assert page.evaluate("msbpViewer.network.body.edgeIndices.length") == G.number_of_edges()
    assert drawn_pixels(page) > 5_000

    # The legend is there, one row (with a drawn swatch) per kind present.
    legend = page.locator("#msbp-groups li")
    assert legend.count() == len(
        page.evaluate("JSON.parse(document.getElementById('msbp-data').textContent).groups")
    )
    assert "Pain types" in page.locator("#msbp-legend").inner_text()
    assert page.locator("#msbp-groups li canvas").count() == legend.count()

    # Typing in the search box selects and focuses a node.
    page.fill("#msbp-search-input", "spastic")
    page.press("#msbp-search-input", "Enter")
    assert page.evaluate("msbpViewer.network.getSelectedNodes()") == ["msbp:Spasticity"]
    assert page.locator("#msbp-details h2").inner_text() == "spasticity"

    # Hovering a node shows a plain-text tooltip with its source paragraph.
    page.evaluate("msbpViewer.showAll()")
    page.mouse.move(*node_point(page, "msbp:Baclofen"))
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "baclofen" in tooltip.inner_text() and "P29" in tooltip.inner_text()

    # Clicking it focuses its neighbourhood and lists each relation's evidence.
    page.mouse.click(*node_point(page, "msbp:Baclofen"))
    details = page.locator("#msbp-details").inner_text()
    assert details.startswith("baclofen") and "P29" in details and "muscle relaxant" in details
    assert page.evaluate("msbpViewer.network.getSelectedNodes()") == ["msbp:Baclofen"]

    # Filters: inferred edges off, then one kind of node off.
    asserted = sum(1 for *_, d in G.edges(data=True) if not d["inferred"])
    page.locator("input[name='edges-inferred']").uncheck()
    assert page.evaluate("msbpViewer.network.body.edgeIndices.length") == asserted
    qualities = sum(
        1
        for _, d in G.nodes(data=True)
        if d["category"]
        in (
            "msbp:Sensation",
            "msbp:AnatomicalEntity",
            "msbp:Duration",
            "msbp:Severity",
            "msbp:Impact",
            "msbp:BodyFunction",
        )
    )
    page.locator("input[name='group-quality']").uncheck()
    assert page.evaluate("msbpViewer.network.body.nodeIndices.length") == len(G) - qualities

    page.screenshot(path=str(tmp_path / "graph.png"))
    assert (tmp_path / "graph.png").stat().st_size > 10_000
    watch.assert_clean()


def test_focus_view_isolates_a_neighbourhood(
    tmp_path: Path, kg: msbackpain.KnowledgeGraph, context: BrowserContext, watch: Watch
) -> None:
    path = kg.visualize(tmp_path / "lhermitte.html", focus="Lhermitte's sign", depth=2).save(
        tmp_path / "lhermitte.html"
    )
    page = open_page(context, watch, path)
    page.wait_for_function("msbpViewer.network.getSelectedNodes().length === 1")
    assert page.evaluate("msbpViewer.network.getSelectedNodes()") == ["msbp:LhermittesSign"]
    one_step = {
        other
        for r in kg.edges()
        for other, end in ((r.object.id, r.subject.id), (r.subject.id, r.object.id))
        if end == "msbp:LhermittesSign"
    } | {"msbp:LhermittesSign"}
    page.get_by_role("button", name="Show only this neighbourhood").click()
    assert set(page.evaluate("msbpViewer.visibleNodeIds()")) == one_step
    page.get_by_role("button", name="Show everything").click()
    shown = kg.visualize(focus="Lhermitte's sign", depth=2).nodes
    assert len(page.evaluate("msbpViewer.visibleNodeIds()")) == shown
    page.screenshot(path=str(tmp_path / "lhermitte.png"))
    watch.assert_clean()


def test_hostile_labels_render_as_text(
    tmp_path: Path, context: BrowserContext, watch: Watch
) -> None:
    source = tmp_path / "hostile.ttl"
    source.write_text(HOSTILE_TTL, encoding="utf-8")
    kg = msbackpain.load(source)
    path = kg.visualize(tmp_path / "hostile.html", focus="msbp:EvilScript", depth=2).save(
        tmp_path / "hostile.html"
    )
    page = open_page(context, watch, path)
    page.wait_for_timeout(300)

    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert page.title() == f"Around {SCRIPT_LABEL}"
    assert page.locator("#msbp-title").inner_text() == f"Around {SCRIPT_LABEL}"
    assert page.locator("#msbp-details h2").inner_text() == SCRIPT_LABEL

    page.fill("#msbp-search-input", "<img")
    page.press("#msbp-search-input", "Enter")
    assert page.evaluate("msbpViewer.network.getSelectedNodes()") == ["msbp:EvilImage"]
    assert page.locator("#msbp-details h2").inner_text() == IMG_LABEL
    assert "window.__xss=1" in page.locator("#msbp-details .definition").inner_text()
    page.mouse.move(*node_point(page, "msbp:EvilImage"))
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.inner_text().startswith(IMG_LABEL)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.screenshot(path=str(tmp_path / "hostile.png"))
    watch.assert_clean()


def test_notebook_iframe_renders_offline(
    tmp_path: Path, kg: msbackpain.KnowledgeGraph, context: BrowserContext, watch: Watch
) -> None:
    shown = kg.visualize(focus="spasticity", depth=1)
    notebook = tmp_path / "notebook.html"
    notebook.write_text(
        f"<!DOCTYPE html><html><body><div class='output'>{shown._repr_html_()}</div></body></html>",
        encoding="utf-8",
    )
    page = watch.attach(context.new_page())
    page.goto(notebook.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(READY).wait_for(state="attached", timeout=30_000)
    inner = next(f for f in page.frames if f is not page.main_frame)
    assert inner.evaluate("msbpViewer.visibleNodeIds().length") == shown.nodes
    assert "Legend" in frame.locator("#msbp-legend").inner_text()
    page.screenshot(path=str(tmp_path / "notebook.png"))
    watch.assert_clean()


def test_hostile_labels_in_svg_render_as_text(
    tmp_path: Path, context: BrowserContext, watch: Watch
) -> None:
    source = tmp_path / "hostile.ttl"
    source.write_text(HOSTILE_TTL, encoding="utf-8")
    kg = msbackpain.load(source)
    path = tmp_path / "hostile.svg"
    kg.draw(path, focus="msbp:EvilScript", depth=1)
    page = watch.attach(context.new_page())
    page.goto(path.as_uri())
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.querySelectorAll('script, img, foreignObject').length") == 0
    # matplotlib draws labels as glyph outlines: no label text can become markup at all.
    assert "<script" not in page.content()  # a label survives only escaped, in a comment
    assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    assert page.evaluate("document.querySelectorAll('g[id^=node-]').length") == 2
    page.screenshot(path=str(tmp_path / "hostile-svg.png"))
    watch.assert_clean()
