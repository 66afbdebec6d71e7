"""Words a report shows that come from data, not from the template: outcomes, verdicts, severities,
layers, units and the page counter. Marked with N_() so the catalogs must translate them.

Data values (``not_applicable``, ``NOT_CERTIFIED``) are never shown as such: ``word(value)`` gives
the msgid a report shows for it ("Not applicable", "Not certified"), in every language, English
included.
"""

from __future__ import annotations

from harness.checks import N_

OUTCOMES = (N_("pass"), N_("fail"), N_("error"), N_("not_applicable"), N_("skipped"), N_("waived"))
VERDICTS = (N_("CERTIFIED"), N_("NOT_CERTIFIED"), N_("INCOMPLETE"))
SEVERITIES = (N_("mandatory"), N_("advisory"))
LAYER_NAMES = (N_("cpu"), N_("os"), N_("server"), N_("db"), N_("middleware"), N_("integration"))
#: units checks measure in (harness.checks.CheckContext.measure); a new unit is added here and translated
UNITS = (
    N_("bytes"),
    N_("KiB"),
    N_("MiB"),
    N_("GiB"),
    N_("count"),
    N_("bool"),
    N_("s"),
    N_("ms"),
    N_("%"),
    N_("tps"),
    N_("MB/s"),
    N_("ppm"),
)
PAGE_OF = N_("Page {page} of {pages}")

#: what a report shows for a data value (the msgid of the word)
WORDS: dict[str, str] = {
    "pass": N_("Passed"),
    "fail": N_("Failed"),
    "error": N_("Error"),
    "not_applicable": N_("Not applicable"),
    "skipped": N_("Skipped"),
    "waived": N_("Waived"),
    "unreachable": N_("Unreachable"),
    "CERTIFIED": N_("Certified"),
    "NOT_CERTIFIED": N_("Not certified"),
    "INCOMPLETE": N_("Incomplete"),
    "mandatory": N_("Mandatory"),
    "advisory": N_("Advisory"),
    "cpu": N_("CPU"),
    "os": N_("Operating system"),
    "server": N_("Server"),
    "db": N_("Database"),
    "middleware": N_("Middleware"),
    "integration": N_("Integration"),
    "lifecycle": N_("Lifecycle"),
    "user": N_("User checks"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "none": N_("none"),
    "quick": N_("quick"),
    "full": N_("full"),
    "disruptive": N_("disruptive"),
}


def word(value: object) -> str:
    """The msgid a report shows for a data value; the value itself when it is not a vocabulary word."""
    text = str(value)
    return WORDS.get(text, text)
