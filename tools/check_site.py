"""Check that the built documentation site loads nothing from the network.

``make docs`` runs this after ``mkdocs build --strict``. Every HTML page is parsed and every
resource a browser would fetch by itself (``<script src>``, ``<link href>`` of stylesheets,
icons, fonts and preloads, ``<img>``, ``<iframe>``, ``<source>``, ``<video>``, ``<audio>``,
``<object>``) must be a relative path; CSS files may not ``@import`` or ``url()`` a remote
address. Plain links (``<a href="https://...">``) are fine: they load only when clicked.
Exit code 1 lists every offending reference.
"""

from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(r"(?:@import\s+|url\()\s*['\"]?((?:https?:)?//[^'\")\s]+)", re.IGNORECASE)
_FETCHED = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "track": ("src",),
}


class _Resources(HTMLParser):
    """Collect the URLs of the resources a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("rel", "").lower() not in ("canonical", "alternate"):
            self.urls.append(values.get("href", ""))
        for name in _FETCHED.get(tag, ()):
            if name in values:
                self.urls.extend(part.strip().split(" ")[0] for part in values[name].split(","))
        if "style" in values:
            self.styles.append(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def remote_references(site: Path) -> list[str]:
    """Return ``"file: url"`` for every remote resource referenced by the site in ``site``."""
    found: list[str] = []
    for page in sorted(site.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(site)
        found += [f"{where}: {url}" for url in parser.urls if _REMOTE.match(url)]
        for css in parser.styles:
            found += [f"{where}: {url}" for url in _CSS_REMOTE.findall(css)]
    for sheet in sorted(site.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        found += [f"{sheet.relative_to(site)}: {url}" for url in _CSS_REMOTE.findall(text)]
    return found


def main(argv: list[str] | None = None) -> int:
    """Exit 1 and list the offending references if the site in ``SITE`` fetches anything remote."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}: no built site here (run `make docs`)", file=sys.stderr)
        return 1
    found = remote_references(args.site)
    if found:
        print("the site loads remote resources, so it will not work offline:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    pages = sum(1 for _ in args.site.rglob("*.html"))
    print(f"{args.site}: {pages} pages, no remote fonts, scripts, styles or images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
