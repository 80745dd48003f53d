"""The ``msbackpain`` command line: a click group whose commands live in one module per family.

Every command parses its arguments, makes one library call and renders the result: results on
stdout, progress and notes on stderr. Every error becomes one red line on stderr,
``error: <Name>: <message>``, with exit code 1 (2 for a usage error); no traceback reaches
the user.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TextIO

import click

from msbackpain import __version__
from msbackpain.cli._common import CliUsageError, UserError, cli_words
from msbackpain.exceptions import MsBackPainError, MsBackPainWarning

__all__ = ["UserError", "main"]

_EPILOG = """\b
Examples:
  msbackpain treatments "Lhermitte's sign"
  msbackpain search neck
  msbackpain query "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }" --format csv
"""


class _Group(click.Group):
    """A click group that turns every error into one line, ``error: <Name>: <message>``.

    Library errors and files that cannot be read exit with code 1, usage errors (a wrong flag
    or argument) with code 2, and a bug of ours says so; no traceback reaches the user.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:  # plain `msbackpain`: the help
            raise
        except click.UsageError as err:  # an option of the group itself, e.g. --bogus
            message = f"{err.format_message()} (see '{info_name or 'msbackpain'} --help')"
            raise CliUsageError(message) from None

    def invoke(self, ctx: click.Context) -> Any:
        python_way = warnings.showwarning
        with warnings.catch_warnings():
            warnings.simplefilter("default", MsBackPainWarning)
            warnings.showwarning = functools.partial(_show_warning, python_way)
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError:
            raise
        except click.UsageError as err:
            where = err.ctx.command_path if err.ctx is not None else "msbackpain"
            message = f"{err.format_message()} (see '{where} --help')"
            raise CliUsageError(message) from None
        except click.ClickException as err:  # click's own (a file it could not open...)
            raise UserError(err.format_message(), name=type(err).__name__) from None
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except MsBackPainError as err:
            raise UserError(cli_words(str(err)), name=type(err).__name__) from None
        except OSError as err:  # a file the command was pointed at cannot be read or written
            raise UserError(_os_message(err), name=type(err).__name__) from None
        except ValueError as err:  # a value the library refused without a project error
            raise UserError(str(err), name=type(err).__name__) from None
        except KeyboardInterrupt:
            raise click.exceptions.Abort from None
        except Exception as err:  # noqa: BLE001 - never show a traceback; say it is ours to fix
            message = f"{type(err).__name__}: {err}; please report it"
            raise UserError(message, name="InternalError") from None


def _show_warning(
    python_way: Callable[..., None],
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show the library's warnings as one yellow line on stderr, ``warning: <Name>: ...``."""
    if issubclass(category, MsBackPainWarning):
        click.secho(
            f"warning: {category.__name__}: {cli_words(str(message))}", fg="yellow", err=True
        )
    else:
        python_way(message, category, filename, lineno, file, line)


def _os_message(err: OSError) -> str:
    if err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror.lower()}"
    return str(err)


@click.group(
    "msbackpain",
    cls=_Group,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(version=__version__, prog_name="msbackpain", message="%(prog)s %(version)s")
def main() -> None:
    """Ask the MS back-pain knowledge graph: causes, triggers, treatments and why."""


def _register() -> None:
    from msbackpain.cli import answers, export, handout, lookup, reasoning, serve, sparql, viz

    for module in (answers, lookup, reasoning, sparql, export, serve, viz, handout):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
