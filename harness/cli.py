"""The ``xcert`` command line. The only place where errors become exit codes."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from harness import __version__
from harness.commands import COMMANDS
from harness.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, XcertError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # bad usage is exit 3 (DESIGN.md), one line, no traceback
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xcert", description="Compatibility certification for Xinchuang (信创) stacks.")
    parser.add_argument("--version", action="version", version=f"xcert {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
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


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
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
