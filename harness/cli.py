"""The ``xcert`` command line. The only place where errors become exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from harness import __version__
from harness.commands import COMMANDS
from harness.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, XcertError

EXIT_CODES_HELP = """exit codes:
  0    certified, or the command succeeded
  1    not certified (a mandatory check failed)
  2    incomplete (a mandatory check could not be decided, or a host was unreachable)
  3    bad usage or bad input (the message names the file, line and key)
  130  interrupted (the journal is kept; certify --resume continues)"""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # `--profil full` must not run the full profile: no abbreviations, anywhere
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("epilog", EXIT_CODES_HELP)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        # bad usage is exit 3 (DESIGN.md), one line, no traceback
        self.exit(EXIT_BAD_INPUT, f"xcert: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xcert", description="Compatibility certification for Xinchuang (信创) stacks.")
    parser.add_argument("--version", action="version", version=f"xcert {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr (-vv: debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command not built yet
            raise
        module.register(sub)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    """Log records go to stderr, so a command's own output (``--json``) stays clean on stdout."""
    level = logging.WARNING if quiet or not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="xcert: %(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    _configure_logging(args.verbose, args.quiet)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args))
    except XcertError as exc:
        if args.debug:
            raise
        print(f"xcert: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("xcert: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except RecursionError:
        if args.debug:
            raise
        # only input nested beyond reason gets here (a JSON or YAML bomb): bad input, not a bug
        print("xcert: input nested too deeply to be read", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # the one catch-all: anything unexpected is an internal error
        if args.debug:
            raise
        detail = " ".join(str(exc).split())[:300]
        print(
            f"xcert: internal error ({type(exc).__name__}: {detail}); this is a bug in xcert, "
            "please report it (run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
