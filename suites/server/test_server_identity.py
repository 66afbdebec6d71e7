"""Server and middleware identity: what DMI and the running Java servers show, against the declared stack."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.identify import Component, declared_matches


@check(
    "XC-SRV-010",
    source='DMTF SMBIOS Reference Specification (DSP0134) type 1, through /sys/class/dmi/id and dmidecode(8)',
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="server",
    severity="advisory",
    title=N_("Server vendor and model identified"),
    requirement=N_("DMI (/sys/class/dmi/id or dmidecode) names the server's vendor and model."),
    remedy=N_("Run as root so dmidecode can read the SMBIOS tables, or add the vendor to the catalog with its source."),
)
def test_server_identified(identity: dict[str, Component], xc: CheckContext) -> None:
    server = identity["server"]
    if not (server.catalog_id or server.vendor):
        xc.fail(N_("The server could not be named: {reason}"), reason=server.description or server.reason)
    xc.note(
        N_("{product} {model} ({confidence} confidence)"),
        product=server.product or server.vendor,
        model=server.model or "",
        confidence=server.confidence,
    )


@check(
    "XC-SRV-011",
    source="the bundle's declaration (xc_server) against harness/catalog/server.yml",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="server",
    severity="mandatory",
    title=N_("Declared server matches detected"),
    requirement=N_("The server declared for the host in the inventory (xc_server) is the one DMI shows."),
    remedy=N_("Correct xc_server in the inventory, or certify the server the bundle really names."),
    applies_to={"declared.server": ["*"]},
)
def test_server_matches_declared(identity: dict[str, Component], declared: dict[str, str], xc: CheckContext) -> None:
    detected = identity["server"]
    shown = detected.catalog_id or detected.model or detected.vendor or "unknown"
    ok, wanted = declared_matches("server", declared["server"], detected)
    if not ok:
        xc.fail(N_("Declared server {declared} but detected {detected}"), declared=wanted, detected=shown)
    xc.note(N_("Declared and detected server agree: {declared} (detected {detected})"), declared=wanted, detected=shown)


# The middleware layer's identity check lives here beside the server's: both read the same fact pass.
@check(
    "XC-MW-001",
    source="the bundle's declaration (xc_middleware) against harness/catalog/middleware.yml",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="middleware",
    severity="mandatory",
    title=N_("Declared middleware matches detected"),
    requirement=N_("The application server declared in the inventory (xc_middleware) runs on the host."),
    remedy=N_("Start the declared application server before certifying, or correct xc_middleware in the inventory."),
    applies_to={"declared.middleware": ["*"]},
)
def test_middleware_matches_declared(
    identity: dict[str, Component], declared: dict[str, str], xc: CheckContext
) -> None:
    detected = identity["middleware"]
    shown = detected.catalog_id or detected.product or "none running"
    ok, wanted = declared_matches("middleware", declared["middleware"], detected)
    if not ok:
        xc.fail(N_("Declared middleware {declared} but detected {detected}"), declared=wanted, detected=shown)
    xc.note(
        N_("Declared and detected middleware agree: {declared} (detected {detected})"), declared=wanted, detected=shown
    )
