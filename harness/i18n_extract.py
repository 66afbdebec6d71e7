"""Every user-facing string the code marks for translation: N_("...") and check texts.

Used by the catalog completeness test and by maintainers to see what a catalog lacks:
``python -m harness.i18n_extract [LANG]`` prints the msgids that LANG does not translate;
``--update [--area NAME]`` also writes them, with empty translations, into ``<area>.po`` (harness.i18n_update).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from harness.paths import PROJECT_ROOT

_TEMPLATE_CALL = re.compile(r"""_\(\s*(["'])(.+?)\1""")


def python_msgids(paths: Iterable[Path]) -> set[str]:
    """String literals passed as the first argument of N_() in Python sources."""
    found: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def template_msgids(paths: Iterable[Path]) -> set[str]:
    """Literal strings passed to _() in Jinja templates."""
    found: set[str] = set()
    for path in paths:
        for match in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2))
    return found


def vocabulary_msgids() -> set[str]:
    """Words reports translate from data: outcomes, verdicts, severities, layers, units."""
    from harness.checks import UNITS
    from harness.layers import REGISTRY
    from harness.outcomes import Outcome, Severity, Verdict

    return (
        {str(v) for v in (*Outcome, *Verdict, *Severity)}
        | {layer.section for layer in REGISTRY}
        | set(UNITS)
        | {"unreachable"}
    )


def all_msgids(root: Path = PROJECT_ROOT) -> set[str]:
    sources = [p for d in ("harness", "suites") for p in (root / d).rglob("*.py") if "__pycache__" not in p.parts]
    templates = list((root / "harness").rglob("templates/*"))
    found = python_msgids(sources) | template_msgids(t for t in templates if t.is_file())
    return found | vocabulary_msgids()


def main(argv: list[str]) -> int:
    from harness.i18n import available_languages, catalog

    args = list(argv)
    update = "--update" in args
    area = "new"
    if "--area" in args:
        at = args.index("--area")
        area = args[at + 1] if at + 1 < len(args) else area
        del args[at : at + 2]
    langs = [a for a in args if not a.startswith("--")] or [lang for lang in available_languages() if lang != "en"]
    missing = 0
    for lang in langs:
        have = catalog(lang)
        todo = {m for m in all_msgids() if m not in have}
        missing += len(todo)
        if update:
            from harness.i18n_update import update as write_entries

            for msgid in write_entries(lang, todo, area):
                print(f"{lang}\t{msgid}\t(written to {lang}/LC_MESSAGES/{area}.po)")
        else:
            for msgid in sorted(todo):
                print(f"{lang}\t{msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
