"""Options and helpers shared by the CLI command modules."""

from __future__ import annotations

from typing import IO, Any

import click

from msbackpain.knowledge import KnowledgeGraph

__all__ = ["ASSERTED_OPTION", "SOURCE_OPTION", "UserError", "knowledge_graph"]


class UserError(click.ClickException):
    """A user-facing error: one red line on stderr, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message in red on stderr."""
        click.secho(f"error: {self.format_message()}", fg="red", err=True, file=file)


SOURCE_OPTION = click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An extra RDF file to load with the bundle (repeatable).",
)
ASSERTED_OPTION = click.option(
    "--asserted-only",
    is_flag=True,
    help="Leave out facts the reasoner inferred; show only what the source states.",
)


def knowledge_graph(sources: tuple[str, ...] = ()) -> KnowledgeGraph:
    """Load the bundle plus ``sources`` (imported lazily so ``--help`` stays fast)."""
    from msbackpain.loading import load

    return load(*sources)
