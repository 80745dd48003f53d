"""Pictures of the graph: the offline HTML page, the static SVG/PNG, selection and the CLI."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import msbackpain
from msbackpain import viz
from msbackpain.cli import main
from msbackpain.exceptions import EntityNotFound, ExportError, MissingExtraError

ASSETS = Path(viz.__file__).parent / "assets"
LIBRARY = (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")
IMG_LABEL = "<img src=x onerror=alert(1)>"
SCRIPT_LABEL = "</script><script>window.__xss=2</script>"
HOSTILE_TTL = """\
@prefix msbp: <https://w3id.org/msbackpain/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

msbp:EvilImage a msbp:Factor ;
    rdfs:label "<img src=x onerror=alert(1)>" ;
    skos:definition "<img src=x onerror=\\"window.__xss=1\\"> & </script>" .
msbp:EvilScript a msbp:Factor ;
    rdfs:label "</script><script>window.__xss=2</script>" .
msbp:EvilImage msbp:triggers msbp:LhermittesSign .
msbp:EvilScript msbp:triggers msbp:LhermittesSign .
"""


# -- helpers ---------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects every tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def payload(page: str) -> dict:  # type: ignore[type-arg]
    (data,) = [text for attrs, text in parse(page).scripts if attrs.get("id") == "msbp-data"]
    return json.loads(data)  # type: ignore[no-any-return]


def neighbours_by_hand(
    kg: msbackpain.KnowledgeGraph, node: str, depth: int, *, inferred: bool
) -> set[str]:
    """Breadth-first search over kg.edges(), independent of msbackpain.graph."""
    adjacent: dict[str, set[str]] = {}
    for relation in kg.edges(inferred=inferred):
        adjacent.setdefault(relation.subject.id, set()).add(relation.object.id)
        adjacent.setdefault(relation.object.id, set()).add(relation.subject.id)
    seen, queue = {node}, deque([(node, 0)])
    while queue:
        current, distance = queue.popleft()
        if distance == depth:
            continue
        for other in adjacent.get(current, ()):
            if other not in seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen


def svg_node_ids(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    return [el.get("id", "") for el in root.iter() if el.get("id", "").startswith("node-")]


def slug(node: str) -> str:
    return "node-" + re.sub(r"[^A-Za-z0-9_.-]", "-", node)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def page(kg: msbackpain.KnowledgeGraph) -> viz.HtmlGraph:
    return kg.visualize()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> msbackpain.KnowledgeGraph:
    source = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    source.write_text(HOSTILE_TTL, encoding="utf-8")
    return msbackpain.load(source)


# -- the HTML page ---------------------------------------------------------------------------


def test_page_loads_nothing_from_outside(page: viz.HtmlGraph) -> None:
    parsed = parse(page.html)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, (tag, attrs)
        assert "href" not in attrs, (tag, attrs)
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
    (csp,) = [
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp is not None and "default-src 'none'" in csp


def test_page_urls_are_only_in_the_bundled_library(page: viz.HtmlGraph) -> None:
    """The library's licence banner and a core-js notice name URLs; nothing of ours does."""
    library_urls = set(re.findall(r"https?://[^\s\"')]+", LIBRARY))
    page_urls = set(re.findall(r"https?://[^\s\"')]+", page.html))
    assert page_urls <= library_urls
    ours = page.html.replace(LIBRARY.split("//# sourceMappingURL")[0].rstrip(), "")
    assert len(ours) < len(page.html) - 600_000  # the library really was inlined, unchanged
    assert not re.search(r"https?:", ours)
    assert "sourceMappingURL" not in page.html


def test_page_has_one_node_per_graph_node_and_every_edge(
    kg: msbackpain.KnowledgeGraph, page: viz.HtmlGraph
) -> None:
    G = kg.to_networkx()
    data = payload(page.html)
    assert sorted(n["id"] for n in data["nodes"]) == sorted(G.nodes)
    assert page.nodes == len(data["nodes"]) == G.number_of_nodes()
    assert len(data["edges"]) == G.number_of_edges() == page.edges
    inferred = sum(1 for *_, d in G.edges(data=True) if d["inferred"])
    assert sum(e["inferred"] for e in data["edges"]) == inferred > 0
    triples = {(e["from"], e["predicate"], e["to"]) for e in data["edges"]}
    assert triples == {(u, k, v) for u, v, k in G.edges(keys=True)}


def test_page_has_legend_covering_every_node(page: viz.HtmlGraph) -> None:
    assert 'id="msbp-legend"' in page.html and ">Legend<" in page.html
    data = payload(page.html)
    groups = {g["id"]: g for g in data["groups"]}
    assert sum(g["count"] for g in groups.values()) == len(data["nodes"])
    assert {n["group"] for n in data["nodes"]} == set(groups)
    assert "other" not in groups  # every bundled class has its own legend entry
    assert len({(g["colour"], g["shape"]) for g in groups.values()}) == len(groups)
    for expected in ("Pain types", "Medicines", "Practitioners", "Benefits", "Knowledge gaps"):
        assert expected in {g["label"] for g in groups.values()}


def test_page_reads_left_to_right_from_cause_to_treatment(page: viz.HtmlGraph) -> None:
    x = {n["id"]: n["x"] for n in payload(page.html)["nodes"]}
    assert x["msbp:MultipleSclerosis"] < x["msbp:Heat"] < x["msbp:LhermittesSign"]
    assert x["msbp:LhermittesSign"] < x["msbp:Baclofen"] < x["msbp:Doctor"]


def test_page_carries_evidence_definitions_and_xrefs(page: viz.HtmlGraph) -> None:
    data = payload(page.html)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert "HP:0001257 (exact)" in nodes["msbp:Spasticity"]["xrefs"]
    assert nodes["msbp:Spasticity"]["definition"]
    edge = next(
        e
        for e in data["edges"]
        if (e["from"], e["predicate"], e["to"])
        == ("msbp:Baclofen", "msbp:memberOfDrugClass", "msbp:MuscleRelaxants")
    )
    assert edge["paragraphs"] == ["P29"] and edge["summary"] and not edge["inferred"]


def test_asserted_only_page_has_no_inferred_edge(kg: msbackpain.KnowledgeGraph) -> None:
    data = payload(kg.visualize(inferred=False).html)
    assert not any(e["inferred"] for e in data["edges"])
    assert len(data["edges"]) == len(kg.edges(inferred=False))


def test_page_escapes_hostile_labels(hostile: msbackpain.KnowledgeGraph) -> None:
    page = hostile.visualize(focus="msbp:EvilImage", depth=1)
    assert IMG_LABEL not in page.html
    assert "<img" not in page.html
    assert SCRIPT_LABEL not in page.html
    assert page.html.lower().count("</script") == len(parse(page.html).scripts)
    labels = {n["id"]: n["label"] for n in payload(page.html)["nodes"]}
    assert labels["msbp:EvilImage"] == IMG_LABEL
    title = hostile.visualize(focus="msbp:EvilScript", depth=1)
    assert "<title>Around &lt;/script&gt;&lt;script&gt;" in title.html
    assert payload(title.html)["title"] == f"Around {SCRIPT_LABEL}"


def test_notebook_display_is_a_sandboxed_srcdoc_iframe(kg: msbackpain.KnowledgeGraph) -> None:
    page = kg.visualize(focus="baclofen", depth=1)
    shown = page._repr_html_()
    parsed = parse(shown)
    assert [tag for tag, _ in parsed.tags] == ["iframe"]
    attrs = parsed.tags[0][1]
    assert attrs["srcdoc"] == page.html and attrs["sandbox"] == "allow-scripts"
    assert "<script" not in shown  # all markup of the page is escaped inside the attribute


def test_save_writes_the_page_atomically(tmp_path: Path, kg: msbackpain.KnowledgeGraph) -> None:
    target = tmp_path / "graph.html"
    page = kg.visualize(target, focus="spasticity", depth=1)
    assert target.read_text(encoding="utf-8") == page.html
    assert os.listdir(tmp_path) == ["graph.html"]


def test_failed_save_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kg: msbackpain.KnowledgeGraph
) -> None:
    target = tmp_path / "graph.html"
    target.write_text("old", encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ExportError, match="No space left"):
        kg.visualize(target, focus="baclofen", depth=1)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["graph.html"]


def test_save_into_missing_folder_is_a_clear_error(
    tmp_path: Path, kg: msbackpain.KnowledgeGraph
) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        kg.visualize(tmp_path / "nope" / "graph.html", focus="baclofen", depth=1)


def test_bundled_library_is_safe_to_inline_and_licensed() -> None:
    assert "</script" not in LIBRARY.lower() and "<!--" not in LIBRARY
    assert f"@version {viz.VIS_NETWORK_VERSION}" in LIBRARY[:400]
    assert "Permission is hereby granted" in (ASSETS / "LICENSE-vis-network-MIT").read_text()
    assert "Apache License" in (ASSETS / "LICENSE-vis-network-APACHE-2.0").read_text()
    assert "innerHTML" not in (ASSETS / "viewer.js").read_text()


# -- selection -------------------------------------------------------------------------------


@pytest.mark.parametrize(("depth", "inferred"), [(1, False), (1, True), (2, False)])
def test_focus_and_depth_select_the_neighbourhood(
    kg: msbackpain.KnowledgeGraph, depth: int, inferred: bool
) -> None:
    expected = neighbours_by_hand(kg, "msbp:LhermittesSign", depth, inferred=inferred)
    G = kg.to_networkx()
    chosen = viz.select(G, focus="Lhermitte's sign", depth=depth, inferred=inferred)
    assert set(chosen) == expected
    page = kg.visualize(focus="lhermittes sign", depth=depth, inferred=inferred)
    assert {n["id"] for n in payload(page.html)["nodes"]} == expected
    assert payload(page.html)["focus"] == "msbp:LhermittesSign"


def test_depth_one_around_lhermittes_sign_asserted(kg: msbackpain.KnowledgeGraph) -> None:
    # Read straight from the source ontology: what is one asserted edge from Lhermitte's sign?
    touching = {
        other
        for r in kg.edges(inferred=False)
        for other, end in ((r.object.id, r.subject.id), (r.subject.id, r.object.id))
        if end == "msbp:LhermittesSign"
    }
    chosen = viz.select(kg.to_networkx(), focus="msbp:LhermittesSign", depth=1, inferred=False)
    assert set(chosen) == touching | {"msbp:LhermittesSign"}
    assert {"msbp:Heat", "msbp:NeuropathicPain", "msbp:Neck"} <= set(chosen)
    assert not any(d["inferred"] for *_, d in chosen.edges(data=True))


def test_depth_zero_and_bad_depth(kg: msbackpain.KnowledgeGraph) -> None:
    G = kg.to_networkx()
    assert list(viz.select(G, focus="baclofen", depth=0)) == ["msbp:Baclofen"]
    with pytest.raises(ValueError, match="depth"):
        viz.select(G, focus="baclofen", depth=-1)


def test_unknown_focus_suggests_labels(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(EntityNotFound, match="spasticity"):
        viz.select(kg.to_networkx(), focus="spastisity")
    with pytest.raises(EntityNotFound):
        kg.visualize(focus="no such thing")


def test_viz_resolves_names_as_the_knowledge_graph_does(
    tmp_path: Path, kg: msbackpain.KnowledgeGraph
) -> None:
    G = kg.to_networkx()
    for name in ("lhermittes sign", "LHERMITTE\u2019S-SIGN", kg["Lhermitte's sign"].iri):
        assert (
            viz.draw(G, focus=name, depth=1).svg()
            == kg.draw(tmp_path / "l.svg", focus=name, depth=1).svg()
        )
        assert set(viz.select(G, focus=name, depth=1)) == set(
            viz.select(G, focus="msbp:LhermittesSign", depth=1)
        )
    for typo in ("spastisity", "lhermite", "baclofin"):
        with pytest.raises(EntityNotFound) as from_kg:
            kg.entity(typo)
        with pytest.raises(EntityNotFound) as from_viz:
            viz.select(G, focus=typo)
        assert from_viz.value.suggestions[0] == from_kg.value.suggestions[0], typo


def test_select_does_not_change_the_graph(kg: msbackpain.KnowledgeGraph) -> None:
    G = kg.to_networkx()
    before = (G.number_of_nodes(), G.number_of_edges())
    viz.select(G, inferred=False).clear()
    viz.select(G, focus="heat", depth=1).clear()
    assert (G.number_of_nodes(), G.number_of_edges()) == before


# -- the static picture ----------------------------------------------------------------------


def test_svg_has_one_element_per_node(tmp_path: Path, kg: msbackpain.KnowledgeGraph) -> None:
    target = tmp_path / "graph.svg"
    picture = kg.draw(target)
    ids = svg_node_ids(target.read_text(encoding="utf-8"))
    G = kg.to_networkx()
    assert len(ids) == len(set(ids)) == G.number_of_nodes() == picture.nodes
    assert set(ids) == {slug(n) for n in G}


def test_svg_of_a_neighbourhood(tmp_path: Path, kg: msbackpain.KnowledgeGraph) -> None:
    target = tmp_path / "lhermitte.svg"
    kg.draw(target, focus="Lhermitte's sign", depth=1, inferred=False)
    expected = neighbours_by_hand(kg, "msbp:LhermittesSign", 1, inferred=False)
    assert set(svg_node_ids(target.read_text(encoding="utf-8"))) == {slug(n) for n in expected}


def svg_labels(svg: str) -> dict[str, str]:
    """Map each node's slug to the text of its label, as the SVG holds it."""
    root = ET.fromstring(svg)  # noqa: S314 - our own picture
    found = {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        gid = group.get("id") or ""
        if gid.startswith("label-"):
            texts = group.iter("{http://www.w3.org/2000/svg}text")
            found["node-" + gid[6:]] = " ".join(t.text or "" for t in texts)
    return found


def test_svg_keeps_labels_as_text(kg: msbackpain.KnowledgeGraph) -> None:
    G = kg.to_networkx(inferred=False)
    svg = viz.draw(G, focus="Lhermitte's sign", depth=1, inferred=False).svg()
    labels = svg_labels(svg)
    shown = viz.select(G, focus="Lhermitte's sign", depth=1, inferred=False)
    assert set(labels) == {slug(n) for n in shown}
    for node in shown:
        words = G.nodes[node]["label"].split()
        assert labels[slug(node)].split() == words, node  # wrapped onto lines, every word kept
    assert "<text" in svg and 'id="DejaVuSans-' not in svg  # no glyphs drawn as paths
    assert "font-family: 'DejaVu Sans', 'Verdana'" in svg and "sans-serif" in svg
    assert f"Around {G.nodes['msbp:LhermittesSign']['label']}" in svg  # the title too


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_svg_text_fits_its_label_box_in_a_real_browser(
    tmp_path: Path, kg: msbackpain.KnowledgeGraph
) -> None:
    """Chromium draws the labels with a font as wide as the one they were laid out with."""
    from playwright.sync_api import sync_playwright

    target = tmp_path / "lhermitte.svg"
    made = kg.draw(target, focus="Lhermitte's sign", depth=1)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.goto(target.as_uri())
            boxes = page.evaluate(
                """() => [...document.querySelectorAll('g[id^="label-"]')].map(g => ({
                    id: g.id,
                    text: [...g.querySelectorAll('text')].map(t => t.textContent).join(' '),
                    font: getComputedStyle(g.querySelector('text')).fontFamily,
                    textWidth: Math.max(...[...g.querySelectorAll('text')].map(
                        t => t.getComputedTextLength())),
                    boxWidth: g.querySelector('path').getBBox().width,
                }))"""
            )
        finally:
            browser.close()
    assert len(boxes) == made.nodes  # one label per entity drawn
    for box in boxes:
        assert box["text"] and box["font"].startswith('"DejaVu Sans"'), box
        # the white box behind a label was sized by matplotlib from DejaVu Sans metrics
        assert 0.8 * box["boxWidth"] <= box["textWidth"] + 1.5 <= 1.1 * box["boxWidth"], box


def test_svg_settings_do_not_leak_into_matplotlib() -> None:
    import matplotlib as mpl

    before = (mpl.rcParams["svg.fonttype"], list(mpl.rcParams["font.family"]))
    viz.draw(msbackpain.load().to_networkx(), focus="baclofen", depth=1).svg()
    assert (mpl.rcParams["svg.fonttype"], list(mpl.rcParams["font.family"])) == before


def test_png_has_the_a4_size(tmp_path: Path, kg: msbackpain.KnowledgeGraph) -> None:
    target = tmp_path / "graph.png"
    picture = kg.draw(target, inferred=False)
    width, height = png_size(target.read_bytes())
    assert (width, height) == picture.size
    assert width == round(viz.A4_WIDTH * 200)
    assert height > width  # 120 nodes need a tall page; the columns fit the width


def test_svg_is_deterministic_and_escapes_labels(hostile: msbackpain.KnowledgeGraph) -> None:
    G = hostile.to_networkx().subgraph(["msbp:EvilImage", "msbp:EvilScript", "msbp:LhermittesSign"])
    first = viz.draw(G).svg()
    assert first == viz.draw(G).svg()
    root = ET.fromstring(first)  # noqa: S314 - hostile labels did not break the XML
    assert not [el for el in root.iter() if el.tag.endswith(("script", "img", "foreignObject"))]
    assert len(svg_node_ids(first)) == 3


@pytest.mark.slow
def test_pictures_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Committed docs pictures must only change when the graph does."""
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"seed{seed}.svg"
        subprocess.run(
            [sys.executable, "-m", "msbackpain", "viz", str(target), "--focus", "spasticity"],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_guide_legend_matches_the_styles() -> None:
    guide = (Path(__file__).parent.parent / "docs" / "guides" / "visualisation.md").read_text()
    from msbackpain.viz._styles import EDGE_FAMILIES, GROUPS

    for group in GROUPS:
        assert f"| {group.label} |" in guide and f"`{group.colour}`" in guide, group.label
    for family in EDGE_FAMILIES:
        assert f"`{family.colour}`" in guide, family.label


def test_draw_rejects_unknown_suffix(tmp_path: Path, kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(ExportError, match=r"unknown picture format '\.gif'"):
        kg.draw(tmp_path / "graph.gif", focus="baclofen", depth=1)
    assert not list(tmp_path.iterdir())


def test_draw_without_matplotlib_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, kg: msbackpain.KnowledgeGraph
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"pip install .*\[viz\]"):
        viz.draw(kg.to_networkx(), focus="baclofen")


def test_html_needs_no_extra(
    monkeypatch: pytest.MonkeyPatch, kg: msbackpain.KnowledgeGraph
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert kg.visualize(focus="baclofen", depth=1).nodes == 5


# -- the CLI ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["graph.html", "graph.svg", "graph.png"])
def test_cli_viz_writes_each_format(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    result = CliRunner().invoke(
        main, ["viz", str(target), "--focus", "spasticity", "--depth", "1", "--asserted-only"]
    )
    assert result.exit_code == 0, result.output
    kg = msbackpain.load()
    expected = neighbours_by_hand(kg, "msbp:Spasticity", 1, inferred=False)
    assert f"({len(expected)} entities" in result.stdout
    data = target.read_bytes()
    if name.endswith(".html"):
        assert {n["id"] for n in payload(data.decode("utf-8"))["nodes"]} == expected
    elif name.endswith(".svg"):
        assert set(svg_node_ids(data.decode("utf-8"))) == {slug(n) for n in expected}
    else:
        assert png_size(data)[0] == round(viz.A4_WIDTH * 200)


def test_cli_viz_unknown_suffix_is_one_red_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["viz", str(tmp_path / "graph.gif")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "'.gif'" in result.stderr
    assert ".html, .svg or .png" in result.stderr and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_cli_viz_unknown_focus(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["viz", str(tmp_path / "g.html"), "--focus", "spastisity"])
    assert result.exit_code == 1 and "spasticity" in result.stderr


def test_cli_viz_help_has_examples() -> None:
    result = CliRunner().invoke(main, ["viz", "--help"])
    assert result.exit_code == 0 and "Examples" in result.stdout and "--focus" in result.stdout
    assert "  viz " in CliRunner().invoke(main, ["--help"]).stdout


def test_page_carries_conflicts_and_hedges(kg: msbackpain.KnowledgeGraph) -> None:
    data = payload(kg.visualize(focus="water therapy", depth=1).html)
    message = (
        "heated-pool therapy involves heat [P42], which brings on Lhermitte's sign [P12,P13] "
        "— discuss with a doctor"
    )
    nodes = {n["id"]: n for n in data["nodes"]}
    assert message in nodes["msbp:HeatedPool"]["conflicts"]  # P42 with P12-P13
    # Water therapy may be taken in a heated pool (P41-P42): its tooltip says so too.
    assert any(
        m.startswith("heated-pool therapy, a form of water therapy [P42], involves heat")
        for m in nodes["msbp:WaterTherapy"]["conflicts"]
    )
    whole = payload(kg.visualize().html)
    by_node = {n["id"]: n["conflicts"] for n in whole["nodes"]}
    assert message in by_node["msbp:LhermittesSign"]
    # The warm-water treatments (P42, P43), the treatments they are forms of (water therapy,
    # and exercise for water aerobics, P43) and the pain type heat brings on (P12-P13).
    assert {n for n, c in by_node.items() if c} == {
        "msbp:HeatedPool",
        "msbp:WaterAerobics",
        "msbp:WaterTherapy",
        "msbp:ExerciseTreatment",
        "msbp:LhermittesSign",
    }
    for edge in whole["edges"]:
        relation = kg.relation((edge["from"], edge["predicate"], edge["to"]))
        assert edge["modality"] == (relation.evidence.modality if relation.evidence else None)
        if edge["conflicts"]:
            assert edge["from"] in {
                "msbp:HeatedPool",
                "msbp:WaterAerobics",
                "msbp:WaterTherapy",
                "msbp:ExerciseTreatment",
            }


def test_a_plain_graph_has_no_conflicts() -> None:
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_edge(
        "a", "b", key="msbp:involvesFactor", predicate="msbp:involvesFactor", relation=None
    )
    graph.add_edge("b", "c", key="msbp:triggers", predicate="msbp:triggers")
    data = payload(viz.html(graph).html)
    assert all(n["conflicts"] == [] for n in data["nodes"])
    assert all(e["conflicts"] == [] and e["modality"] is None for e in data["edges"])
