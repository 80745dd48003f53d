"""The handout in a real headless Chromium: axe-core accessibility, offline, and the PDF.

Needs the Debian ``chromium`` package, Playwright for Python and axe-playwright-python (which
bundles axe-core, MPL-2.0) from the ``test`` extra, and ``pdftotext``/``pdfinfo`` from
poppler-utils.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

import msbackpain
from msbackpain.handout._pdf import chromium

pytestmark = pytest.mark.slow  # a real browser per test

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PAINS = ["Lhermitte's sign", "spasticity"]


def test_axe_finds_no_serious_or_critical_violation_and_nothing_is_fetched() -> None:
    kg = msbackpain.load()
    everything = [p.label for p in kg.pain_types()]
    pages = [kg.handout(PAINS).html, kg.handout(everything, inferred=True).html]
    requests: list[str] = []
    bad: list[tuple[int, str, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            for number, html in enumerate(pages):
                page = browser.new_page()
                page.on("request", lambda request: requests.append(request.url))
                page.set_content(html, wait_until="load")
                results = Axe().run(page)
                bad.extend(
                    (number, v["id"], v["impact"])
                    for v in results.response["violations"]
                    if v["impact"] in {"serious", "critical"}
                )
                if number == 0:
                    lang = page.evaluate("document.documentElement.lang")
                    headings = page.evaluate(
                        "[...document.querySelectorAll('h1,h2')]"
                        ".map(h => h.tagName + ':' + h.textContent)"
                    )
                page.close()
        finally:
            browser.close()
    assert bad == []
    assert requests == []
    assert lang == "en"
    assert headings == [
        "H1:Back pain in MS: Lhermitte's sign, spasticity",
        "H2:Lhermitte's sign",
        "H2:Spasticity",
        "H2:Neuropathic pain",
        "H2:Source",
    ]


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+(.*)", info.stdout).group(1)  # type: ignore[union-attr]
    return pages, size


@pytest.mark.slow
@pytest.mark.parametrize(("paper", "size"), [("A4", "(A4)"), ("Letter", "(letter)")])
def test_pdf_prints_every_part_with_a_page_break_between_pain_types(
    tmp_path: Path, paper: str, size: str
) -> None:
    page = msbackpain.load().handout(PAINS)
    out = page.write(tmp_path / "handout.pdf", paper=paper)  # type: ignore[arg-type]
    assert out.read_bytes().startswith(b"%PDF-")
    pages, page_size = _pages(out)
    assert size in page_size
    assert len(page.sections) <= pages <= 12  # each part on new pages
    text = re.sub(r"\s+", " ", _pdf_text(out))
    for sentence in ("It is not medical advice.", "Heat may bring on Lhermitte's sign."):
        assert sentence in text
    assert page.source.address in text
    per_page = _pdf_text(out).split("\f")
    starts = [
        n
        for n, chunk in enumerate(per_page)
        for s in page.sections
        if chunk.lstrip().startswith(s.pain.label[:1].upper() + s.pain.label[1:])
    ]
    assert len(starts) == len(page.sections) - 1  # every part but the first opens a page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]


@pytest.mark.slow
def test_cli_writes_a_pdf(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from msbackpain.cli import main

    out = tmp_path / "h.pdf"
    result = CliRunner().invoke(
        main, ["handout", "spasticity", "-o", str(out), "--paper", "Letter"]
    )
    assert result.exit_code == 0, result.output
    assert _pages(out)[1].endswith("(letter)")
    text = re.sub(r"\s+", " ", _pdf_text(out))
    assert "Your doctor may suggest this for spasticity: muscle relaxant." in text  # P29


def test_a_failed_print_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = msbackpain.load().handout(["spasticity"])
    monkeypatch.setenv("MSBACKPAIN_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(msbackpain.ExportError, match="Chromium could not print the handout"):
        page.write(tmp_path / "h.pdf")
    assert list(tmp_path.iterdir()) == []
