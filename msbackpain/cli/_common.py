"""Options and helpers shared by the CLI command modules: errors, graph and output options."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from msbackpain.knowledge import KnowledgeGraph

__all__ = [
    "ASSERTED_OPTION",
    "GRAPH_OPTIONS",
    "SOURCE_OPTION",
    "CliUsageError",
    "UserError",
    "cli_words",
    "format_options",
    "knowledge_graph",
    "missing_parents",
    "progress",
]

F = TypeVar("F", bound=Callable[..., Any])

_GRAPH = "msbackpain.graph"  # ctx.meta key: the --backend and --endpoint of the command
WIDE = "msbackpain.wide"  # ctx.meta key: --wide was given

# The library's messages name Python arguments; on the command line the flags say the same.
_CLI_WORDS = (
    (re.compile(r"\ballow_network=True\b"), "--allow-network"),
    (re.compile(r"\bendpoint=(?=[\s;,)]|$)"), "--endpoint"),
    (re.compile(r"\bbackend=(?=['\"])"), "--backend "),
    (re.compile(r"\bstore=(?=[\s;,)]|$)"), "--store"),
)


def cli_words(message: str) -> str:
    """Return ``message`` with the library's Python arguments named as the CLI flags.

    Examples:
        >>> cli_words("SERVICE is not allowed; pass allow_network=True to opt in")
        'SERVICE is not allowed; pass --allow-network to opt in'
    """
    for pattern, flag in _CLI_WORDS:
        message = pattern.sub(flag, message)
    return message


class UserError(click.ClickException):
    """A user-facing error: one red line ``error: <Name>: <message>`` on stderr, exit code 1.

    ``name`` is the error's name: the library exception's class name, or a name of the CLI
    (``UsageError``, ``InternalError``...). The message is kept to one line.
    """

    def __init__(self, message: str, *, name: str) -> None:
        super().__init__(" ".join(message.split("\n")))
        self.name = name

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message in red on stderr."""
        click.secho(f"error: {self.name}: {self.format_message()}", fg="red", err=True, file=file)


class CliUsageError(UserError):
    """A wrong flag or argument, shown like every other error but with exit code 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message, name="UsageError")


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        ctx.meta.setdefault(_GRAPH, {})[key] = value
        return value

    return callback


def GRAPH_OPTIONS(f: F) -> F:  # noqa: N802 - used as a decorator constant, like the others
    """Add ``--source``, ``--backend`` and ``--endpoint``: where the command's graph comes from.

    ``--source`` reaches the command as ``sources``; :func:`knowledge_graph` reads the other two
    from the click context, so every command that answers takes all three the same way.
    """
    f = click.option(
        "--endpoint",
        metavar="URL",
        expose_value=False,
        callback=_remember("endpoint"),
        help="Ask a SPARQL 1.1 endpoint that holds the graph (such as msbackpain serve) "
        "instead of the bundled copy.",
    )(f)
    f = click.option(
        "--backend",
        type=click.Choice(["rdflib", "oxigraph"]),
        default="rdflib",
        show_default=True,
        expose_value=False,
        callback=_remember("backend"),
        help="The embedded triple store (oxigraph needs pyoxigraph, the 'oxigraph' extra).",
    )(f)
    result: F = SOURCE_OPTION(f)
    return result


#: ``--source FILE`` (repeatable), alone: for ``serve``, which builds its own store.
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


def format_options(*formats: str, wide: bool = False) -> Callable[[F], F]:
    """Return a decorator adding ``--format`` (``formats[0]`` by default) and ``--json``.

    ``--json`` is an alias of ``--format json``; the command receives the chosen format as
    ``fmt``. With ``wide``, ``--wide`` is added too: tables are then never wrapped.
    """

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def command(*args: Any, fmt: str | None, as_json: bool, **kwargs: Any) -> Any:
            if as_json and fmt not in (None, "json"):
                raise click.UsageError(f"--json and --format {fmt} disagree; give one of them")
            if wide:
                click.get_current_context().meta[WIDE] = kwargs.pop("wide")
            return f(*args, fmt="json" if as_json else (fmt or formats[0]), **kwargs)

        command.__click_params__ = list(getattr(f, "__click_params__", []))  # type: ignore[attr-defined]
        decorated: Any = command
        if wide:
            decorated = click.option(
                "--wide", is_flag=True, help="Do not wrap long table cells to the terminal width."
            )(decorated)
        decorated = click.option(
            "--json", "as_json", is_flag=True, help="Print JSON: the same as --format json."
        )(decorated)
        decorated = click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=None,
            help=f"Output format (default: {formats[0]}).",
        )(decorated)
        result: F = decorated
        return result

    return decorate


def knowledge_graph(sources: tuple[str, ...] = ()) -> KnowledgeGraph:
    """Load the graph the command's ``--source``, ``--backend`` and ``--endpoint`` name.

    The library is imported lazily so ``--help`` stays fast.

    Raises:
        click.UsageError: if ``--endpoint`` is combined with ``--source`` or ``--backend``.
    """
    from msbackpain.loading import load

    ctx = click.get_current_context(silent=True)
    chosen = ctx.meta.get(_GRAPH, {}) if ctx is not None else {}
    backend: str = chosen.get("backend") or "rdflib"
    endpoint: str | None = chosen.get("endpoint")
    if endpoint is not None:
        if sources:
            raise click.UsageError(
                "--endpoint cannot be combined with --source: the endpoint is read-only; "
                "load extra files into the server itself (e.g. msbackpain serve --source FILE)"
            )
        if backend != "rdflib":
            raise click.UsageError(
                f"--endpoint cannot be combined with --backend {backend}: the endpoint is the store"
            )
        return load(endpoint=endpoint)
    return load(*sources, backend=backend)


def progress(message: str, *, quiet: bool = False) -> None:
    """Say what the command is doing, on stderr (stdout holds only results)."""
    if not quiet:
        click.echo(message, err=True)


@contextmanager
def missing_parents(path: str | Path) -> Iterator[None]:
    """Create the missing parent folders of ``path``; remove them again if the block fails."""
    made: list[Path] = []
    folder = Path(path).parent
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    for new in reversed(made):
        new.mkdir()
    try:
        yield
    except BaseException:
        for new in made:
            try:
                new.rmdir()
            except OSError:  # something was written into it after all: leave it
                break
        raise
