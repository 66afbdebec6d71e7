"""Words a report shows that come from data, not from the template: outcomes, verdicts, severities,
layers, units and the page counter. Marked with N_() so the catalogs must translate them.
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
