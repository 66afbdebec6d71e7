"""DB layer: multilingual data round-trips byte-exact; encodings, collation and vendor drivers reported."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.clock import utc_now_iso
from harness.db import multilingual
from harness.db import vendor as vendor_driver
from harness.db.connection import DriverMissing, load_driver
from harness.db.scratch import Scratch
from harness.db.targets import DbTarget
from harness.db.verdict import refused_or_lost


@check(
    "XC-DB-030",
    source='Unicode round trip; GB 18030-2022 (mandatory national standard)',
    layer="db",
    severity="mandatory",
    title=N_("Multilingual text round-trips byte-exact"),
    requirement=N_(
        "Chinese (with GB18030-only characters and rare surnames), Russian, Kazakh and Uzbek (Cyrillic and Latin), "
        "Arabic and emoji come back byte for byte, and the server counts their characters right."
    ),
    remedy=N_("Create the database with UTF-8 (utf8mb4 on the MySQL family) and connect with a UTF-8 client encoding."),
)
def test_multilingual_roundtrip(db_scratch: Scratch, xc: CheckContext) -> None:
    try:
        result = multilingual.roundtrip(db_scratch.conn)
    except db_scratch.conn.driver.Error as exc:
        refused_or_lost(db_scratch, exc)
        xc.fail(N_("The server refused the text: {error}"), error=str(exc).strip().splitlines()[0][:200])
    bad = sorted(k for k, v in result.items() if not v.get("exact"))
    miscounted = sorted(
        k for k, v in result.items() if v.get("server_chars") is not None and v["server_chars"] != v["code_points"]
    )
    xc.measure("samples", len(result), "count")
    xc.measure("exact", len(result) - len(bad), "count")
    if bad:
        xc.fail(N_("Changed on the way: {samples}"), samples=", ".join(bad))
    if miscounted:
        xc.fail(N_("Stored exactly, but character counts differ for: {samples}"), samples=", ".join(miscounted))
    xc.note(N_("{count} samples came back byte-exact"), count=len(result))


@check(
    "XC-DB-031",
    source="the server's character set and collation settings (its SQL reference)",
    layer="db",
    severity="advisory",
    title=N_("Encodings and collation order reported"),
    requirement=N_("The server and client encodings are UTF-8, and the default collation's sort order is recorded."),
    remedy=N_("Use UTF-8 (utf8mb4) for the server, the database and the client connection."),
)
def test_encodings(db_scratch: Scratch, xc: CheckContext) -> None:
    conn = db_scratch.conn
    enc = multilingual.encodings(conn)
    order = multilingual.sort_order(conn)
    db_scratch.log.add("report", "-- encodings and sort order", None, utc_now_iso(), 0.0, encodings=enc, order=order)
    utf8 = [k for k in ("server_encoding", "client_encoding") if k in enc]
    not_utf8 = [f"{k}={enc[k]}" for k in utf8 if "utf8" not in enc[k].lower().replace("-", "")]
    if not_utf8:
        xc.fail(N_("Not UTF-8: {settings}"), settings=", ".join(not_utf8))
    xc.note(
        N_("Encodings {enc}; sorted: {order}"),
        enc=", ".join(f"{k}={v}" for k, v in enc.items()),
        order=" < ".join(order),
    )


@check(
    "XC-DB-032",
    source="the vendor's Python driver documentation (dmPython, ksycopg2)",
    layer="db",
    severity="advisory",
    title=N_("Vendor Python driver round-trips Chinese text"),
    requirement=N_(
        "Where the vendor ships its own Python driver (ksycopg2 for KingbaseES, dmPython for Dameng), it connects "
        "and round-trips Chinese and GB18030-only text."
    ),
    remedy=N_("Install the vendor's driver (pip install ksycopg2 / dmPython) and use the client library it bundles."),
)
def test_vendor_driver(
    db_target: DbTarget, db_endpoint: tuple[str, int] | None, db_scratch: Scratch, xc: CheckContext
) -> None:
    vendor = {"postgresql": "ksycopg2", "dameng": "dmPython"}.get(db_target.family)
    if vendor is None:
        xc.not_applicable(N_("No vendor Python driver is catalogued for the {family} family"), family=db_target.family)
    kingbase = (db_target.product or "").startswith("kingbase") or db_target.driver == "ksycopg2"
    try:
        load_driver(vendor)
    except DriverMissing:
        if db_target.family == "postgresql" and not kingbase:
            xc.not_applicable(N_("ksycopg2 is not installed and the target is not declared as KingbaseES"))
        raise
    text = (
        multilingual.SAMPLES["zh"] + multilingual.SAMPLES["zh_gb18030_only"] + multilingual.SAMPLES["zh_rare_surnames"]
    )
    answer = vendor_driver.roundtrip(db_target, vendor, db_scratch.name, text, db_scratch.log, db_endpoint)
    if answer.get("error"):
        xc.fail(N_("{driver}: {error}"), driver=vendor, error=answer["error"])
    if answer.get("back") != text:
        xc.fail(N_("{driver} changed the text: {got!r}"), driver=vendor, got=answer.get("back"))
    xc.note(N_("{driver} {version} round-trips Chinese text"), driver=vendor, version=answer.get("driver_version", "?"))
