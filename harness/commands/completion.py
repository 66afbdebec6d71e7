"""``xcert completion bash|zsh`` and ``xcert man``: generated from the parser (shtab, argparse-manpage)."""

from __future__ import annotations

import argparse
from typing import Any

SHELLS = ("bash", "zsh")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for bash or zsh, e.g. "
        "`xcert completion bash > ~/.local/share/bash-completion/completions/xcert` or "
        '`xcert completion zsh > "${fpath[1]}/_xcert"`.',
    )
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(func=run_completion)
    m = sub.add_parser(
        "man",
        help="print the manual page (troff)",
        description="Print xcert(1), e.g. `xcert man > xcert.1 && man ./xcert.1`.",
    )
    m.set_defaults(func=run_man)


def run_completion(args: argparse.Namespace) -> int:
    import shtab

    from harness.cli import build_parser

    print(shtab.complete(build_parser(), shell=args.shell))
    return 0


def run_man(args: argparse.Namespace) -> int:
    from argparse_manpage.manpage import Manpage

    from harness.cli import build_parser

    print(str(Manpage(build_parser())))
    return 0
