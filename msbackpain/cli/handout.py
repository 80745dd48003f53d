"""CLI command that writes a patient handout: ``handout PAIN... --output FILE.html|FILE.pdf``."""

from __future__ import annotations

from pathlib import Path

import click

from msbackpain.cli._common import GRAPH_OPTIONS, knowledge_graph
from msbackpain.exceptions import ExportError

__all__ = ["COMMANDS"]

_SUFFIXES = (".html", ".htm", ".pdf")


@click.command()
@click.argument("pains", nargs=-1, required=True, metavar="PAIN...")
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="FILE",
    help="Where to write: FILE.html, FILE.pdf, or - for HTML on stdout.",
)
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"]),
    default="A4",
    show_default=True,
    help="Paper size of a PDF.",
)
@click.option(
    "--inferred",
    is_flag=True,
    help="Also show facts the reasoner inferred (each marked 'Worked out').",
)
@GRAPH_OPTIONS
def handout(
    pains: tuple[str, ...], output: str, paper: str, inferred: bool, sources: tuple[str, ...]
) -> None:
    """Write a printable, plain-language handout for one or more PAIN types.

    By default it shows only what the source states; every line cites its paragraphs.

    \b
    Examples:
      msbackpain handout "Lhermitte's sign" spasticity --output handout.pdf
      msbackpain handout "neuropathic pain" --output handout.html --paper Letter
      msbackpain handout spasticity --output - > handout.html
    """
    if output != "-" and Path(output).suffix.lower() not in _SUFFIXES:
        raise ExportError(
            f"cannot write {output!r}: unknown format {Path(output).suffix or '(no suffix)'!r}; "
            "use .html or .pdf (or - for HTML on stdout)"
        )
    page = knowledge_graph(sources).handout(pains, inferred=inferred)
    if output == "-":
        click.echo(page.html, nl=False)
        return
    page.write(output, paper="Letter" if paper == "Letter" else "A4")
    parts, sentences = len(page.sections), len(page.sentences)
    click.echo(
        f"Wrote {output} ({parts} part{'s' * (parts != 1)}, "
        f"{sentences} sentence{'s' * (sentences != 1)})."
    )


COMMANDS = [handout]
