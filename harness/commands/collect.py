"""``xcert collect``: write a snapshot of this machine, or print a collector to copy to a target."""

from __future__ import annotations

import argparse
from typing import Any

from harness.errors import InputError, Location


def register(sub: Any) -> None:
    p = sub.add_parser(
        "collect",
        help="write a snapshot of this machine (stdlib only), or print a standalone collector",
        description="Write a snapshot (files/ and commands/, as DESIGN.md lays out) for `xcert identify "
        "--snapshot` or an inventory host with xc_snapshot. For an air-gapped target, print a collector "
        "and copy it there: --print-script (Python 3.5+, standard library only) or --print-sh (POSIX sh).",
    )
    p.add_argument("--out", metavar="FILE", help="FILE.tar.gz or a directory (default xcert-snapshot-HOST-TIME.tar.gz)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--print-script", action="store_true", help="print the standalone Python collector")
    what.add_argument("--print-sh", action="store_true", help="print the POSIX sh collector")
    p.add_argument("--json", action="store_true", help="print the snapshot's path as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness import __version__

    if args.print_script or args.print_sh:
        if args.json:
            from harness.errors import UsageError

            raise UsageError("--json applies to the snapshot written, not to --print-script or --print-sh")
        from harness.collect.script import python_script, sh_script

        print((python_script if args.print_script else sh_script)(__version__), end="")
        return 0
    from harness.collect.standalone import collect

    try:
        written = collect(args.out)
    except OSError as exc:
        raise InputError(
            Location(args.out or ".", key="--out"), f"cannot write the snapshot: {exc.strerror or exc}"
        ) from None
    if args.json:
        from harness.jsonout import emit

        emit({"snapshot": str(written)})
    else:
        print(written)
    return 0
