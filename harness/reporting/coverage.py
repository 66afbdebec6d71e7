"""How complete each language's catalog must be (tests/unit/test_i18n.py enforces it).

- **Full** languages (zh, ru, ar, uz): every msgid, check texts included.
- **Report** languages (none shipped now; a new language may start here): every string of the report itself — the template, the data words
  (harness.reporting.vocab), the translated message parameters (harness.terms), identification
  reasons and descriptions (harness.identify), the outcome messages the harness writes
  (harness.checks, the plugin, connection reasons). A check's own texts (title, requirement,
  remedy, messages: suites/) are translated where the catalog has them and otherwise shown in
  English, per message; the untranslated-English test allows exactly those
  (tests/unit/reporting/test_untranslated.py) and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from harness.paths import PROJECT_ROOT

FULL = ("zh", "ru", "ar", "uz")
REPORT_ONLY: tuple[str, ...] = ()
#: the sources whose strings a report-level language must translate
REPORT_SOURCES = (
    "harness/reporting",
    "harness/terms.py",
    "harness/identify.py",
    "harness/checks.py",
    "harness/pytest_plugin.py",
    "harness/pytest_plugin",
    "harness/transport/ssh.py",
)


def report_msgids(root: Path = PROJECT_ROOT) -> set[str]:
    """The msgids a report-level language must translate."""
    from harness.i18n_extract import python_msgids, template_msgids, vocabulary_msgids

    sources: list[Path] = []
    for name in REPORT_SOURCES:
        path = root / name
        # a module may become a package (the plugin's split): whichever exists is read
        sources += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.is_file() else []
    templates = [p for p in (root / "harness" / "reporting").rglob("templates/*") if p.is_file()]
    return python_msgids(sources) | template_msgids(templates) | vocabulary_msgids()


def required_msgids(lang: str, root: Path = PROJECT_ROOT) -> set[str]:
    from harness.i18n_extract import all_msgids

    return report_msgids(root) if lang in REPORT_ONLY else all_msgids(root)
