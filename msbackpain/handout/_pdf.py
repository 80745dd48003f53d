"""PDF printing of a handout: Chromium's own print engine, driven by Playwright, offline."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from msbackpain.exceptions import ExportError, MissingExtraError

if TYPE_CHECKING:
    from msbackpain.handout._model import Paper

__all__ = ["chromium", "print_pdf"]

_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def chromium() -> str:
    """Return the Chromium (or Chrome) executable to print with.

    ``MSBACKPAIN_CHROMIUM`` names one explicitly; otherwise the first of ``chromium``,
    ``chromium-browser`` and ``google-chrome`` on ``PATH``.

    Raises:
        ExportError: if no browser is found.
    """
    explicit = os.environ.get("MSBACKPAIN_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    msg = "printing a PDF needs Chromium: install it (or set MSBACKPAIN_CHROMIUM to its path)"
    raise ExportError(msg)


def _print(html: str, paper: Paper, executable: str) -> bytes:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=_ARGS)
            try:
                page = browser.new_page(java_script_enabled=False)
                # Nothing may be fetched: the page is self-contained, so refuse every request.
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                page.emulate_media(media="print")
                return page.pdf(format=paper, print_background=True, outline=True, tagged=True)
            finally:
                browser.close()
    except Error as err:
        msg = f"Chromium could not print the handout: {str(err).splitlines()[0]}"
        raise ExportError(msg) from err


def print_pdf(html: str, *, paper: Paper = "A4") -> bytes:
    """Print the page ``html`` to PDF on ``paper`` and return the PDF's bytes.

    Playwright's synchronous API refuses to run inside an asyncio loop (as in Jupyter), so
    the printing runs in a worker thread of its own.

    Raises:
        MissingExtraError: if Playwright for Python is not installed.
        ExportError: if no browser is found or it fails to print.
    """
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise MissingExtraError("printing a handout to PDF", "handout") from err
    if paper not in ("A4", "Letter"):
        msg = f"unknown paper {paper!r}; choose 'A4' or 'Letter'"
        raise ExportError(msg)
    executable = chromium()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html, paper, executable).result()
