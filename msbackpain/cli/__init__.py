"""The ``msbackpain`` command line: a click group whose commands live in one module per family.

Every command parses its arguments, makes one library call and renders the result. Errors of
the library become one red line on stderr and exit code 1; no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from msbackpain import __version__
from msbackpain.cli._common import UserError
from msbackpain.exceptions import MsBackPainError

__all__ = ["UserError", "main"]

_EPILOG = """\b
Examples:
  msbackpain treatments "Lhermitte's sign"
  msbackpain search neck
  msbackpain query "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }" --format csv
"""


class _Group(click.Group):
    """A click group that turns library errors into one-line messages with exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except MsBackPainError as err:
            raise UserError(f"{type(err).__name__}: {err}") from None
        except (OSError, ValueError) as err:  # a file or value problem the library passed up
            raise UserError(str(err)) from None
        except KeyboardInterrupt:
            raise click.exceptions.Abort from None
        except Exception as err:  # noqa: BLE001 - never show a traceback; say it is ours to fix
            message = f"internal error ({type(err).__name__}: {err}); please report it"
            raise UserError(message) from None


@click.group(cls=_Group, epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
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
