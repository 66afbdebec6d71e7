"""OS layer, issue 15: national cryptography (SM2, SM3, SM4; TLCP; the system crypto policy)."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.probes import smcrypto
from harness.session import HostSession
from harness.transport.base import CommandResult
from suites.hostlib import FactMissing, probe, record, run_probe

SM4_MAN = "man EVP_sm4_cbc(3) ('appeared in OpenSSL 1.1.1', docs.openssl.org/1.1.1/man3/EVP_sm4_cbc)"
GBT32907 = "GB/T 32907-2016 SM4 appendix A example 1 (key = plaintext 0123456789abcdeffedcba9876543210)"


def _absent(result: CommandResult) -> bool:
    """The host has no openssl command (its shell said so: not a snapshot that lacks the probe)."""
    err = result.stderr.decode("utf-8", errors="replace")
    return result.rc == 127 and not result.text.strip() and "not in snapshot" not in err


def _version(target: HostSession, xc: CheckContext) -> tuple[tuple[int, int, int], str]:
    result = run_probe(target, "openssl-version")
    version = smcrypto.openssl_version(result.text)
    if version is None:
        if _absent(result):
            xc.fail(N_("openssl is not installed"))
        if result.rc == 127 and not result.text.strip():
            raise FactMissing("the host did not answer openssl version (rc 127)")
        raise FactMissing(f"openssl version printed no version: {result.text.strip()[:80]!r}")
    return version, result.text.strip()


def _openssl(target: HostSession, xc: CheckContext, name: str) -> str:
    """The probe's output; an openssl the probe found missing fails the check (the requirement needs it)."""
    text, tool = probe(target, name)
    if tool == "openssl":
        xc.fail(N_("openssl is not installed"))
    if tool is not None:
        raise FactMissing(f"{tool} is not available on the host, so {name} cannot be read")
    return text


@check(
    "XC-OS-130",
    layer="os",
    severity="mandatory",
    title=N_("OpenSSL is 1.1.1 or later"),
    requirement=N_("The system OpenSSL is 1.1.1 or later, the first release with SM2, SM3 and SM4."),
    remedy=N_("Update openssl to the distribution's 1.1.1 or 3.x package."),
    source=SM4_MAN + "; SM2(7) man.netbsd.org/SM2.7",
    tags=("sm-crypto",),
)
def test_openssl_release(target: HostSession, xc: CheckContext) -> None:
    version, text = _version(target, xc)
    if version < (1, 1, 1):
        xc.fail(N_("{version} is older than 1.1.1: no SM2, SM3 or SM4"), version=text)
    xc.note(N_("{version} has SM2, SM3 and SM4"), version=text)


@check(
    "XC-OS-131",
    layer="os",
    severity="advisory",
    title=N_("SM4-CBC known answer"),
    requirement=N_(
        "openssl enc -sm4-cbc with a zero IV encrypts the GB/T 32907 example block to its known ciphertext (one block: CBC equals ECB)."
    ),
    remedy=N_("Install an OpenSSL built with SM4 (no 'no-sm4' configure option)."),
    source=GBT32907 + "; " + SM4_MAN,
    tags=("sm-crypto",),
)
def test_sm4_cbc(target: HostSession, xc: CheckContext) -> None:
    got = smcrypto.hex_bytes(_openssl(target, xc, "hc-openssl-sm4-cbc"))
    if got != smcrypto.SM4_KAT:
        xc.fail(
            N_("{algorithm}: expected {expected}, got {got}"),
            algorithm="SM4-CBC",
            expected=smcrypto.SM4_KAT,
            got=got or "nothing",
        )
    xc.note(N_("{algorithm} known answer matches"), algorithm="SM4-CBC")


@check(
    "XC-OS-132",
    layer="os",
    severity="advisory",
    title=N_("SM4 modes reported"),
    requirement=N_(
        "The SM4 modes OpenSSL offers are recorded; SM4-GCM, SM4-CCM and SM4-XTS appear only from OpenSSL 3.3's manual on."
    ),
    remedy=N_("For SM4-GCM (e.g. RFC 8998 suites), use OpenSSL 3.3 or later, Tongsuo or GmSSL."),
    source="EVP_CIPHER-SM4(7) for OpenSSL 3.0 (man.netbsd.org/NetBSD-10.2/EVP_CIPHER-SM4.7) and 3.3 (manpages.ubuntu.com oracular)",
    tags=("sm-crypto",),
)
def test_sm4_modes(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-openssl-ciphers")
    if tool == "openssl":
        xc.not_applicable(N_("{tool} is not installed: {what} is not present"), tool="openssl", what="OpenSSL's SM4")
    if tool is not None:
        raise FactMissing(f"{tool} is not available on the host")
    if "end" not in text.split():
        raise FactMissing("openssl list -cipher-algorithms did not finish")
    modes = smcrypto.sm4_modes(text)
    xc.measure("sm4_gcm", "GCM" in modes, "bool")
    record(xc, "SM4 modes", ", ".join(modes) or "none")


@check(
    "XC-OS-133",
    layer="os",
    severity="advisory",
    title=N_("SM2 curve available"),
    requirement=N_("OpenSSL knows the SM2 elliptic curve (openssl ecparam -list_curves lists SM2)."),
    remedy=N_("Install an OpenSSL built with SM2 (no 'no-sm2' configure option)."),
    source="SM2(7) man.netbsd.org/SM2.7; openssl/openssl#6359 (genpkey -pkeyopt ec_paramgen_curve:sm2 on 1.1.1)",
    tags=("sm-crypto",),
)
def test_sm2_curve(target: HostSession, xc: CheckContext) -> None:
    text = _openssl(target, xc, "hc-openssl-sm2-curve")
    if "SM2" not in text.upper().split("END")[0]:
        xc.fail(N_("OpenSSL does not list the {curve} curve"), curve="SM2")
    xc.note(N_("OpenSSL lists the {curve} curve"), curve="SM2")


@check(
    "XC-OS-134",
    layer="os",
    severity="mandatory",
    title=N_("SM2 sign and verify with a generated key"),
    requirement=N_(
        "OpenSSL 3 generates an SM2 key, signs with SM3 and verifies the signature, and refuses it for a changed "
        "message. (The OpenSSL 1.1.1 command line cannot sign with SM2: not applicable there.)"
    ),
    remedy=N_("Install OpenSSL 3 (or Tongsuo/GmSSL for SM2 on 1.1.1-based systems)."),
    profiles=("full", "disruptive"),
    source="openssl/openssl#6359 and #6719 (no SM2 signing from the 1.1.1 CLI); REF 3 (SM2 round trip, verified on OpenSSL 3.0.19)",
    tags=("sm-crypto",),
)
def test_sm2_sign(target: HostSession, xc: CheckContext) -> None:
    version, text = _version(target, xc)
    if version < (3, 0, 0):
        xc.not_applicable(
            N_("{version}: the OpenSSL 1.1.1 command line cannot sign with SM2 (openssl#6359)"), version=text
        )
    ok, refused = smcrypto.sm2_roundtrip(_openssl(target, xc, "hc-openssl-sm2-sign"))
    xc.measure("sm2_verified", ok, "bool")
    if not ok or not refused:
        xc.fail(
            N_("SM2 round trip failed: signature verified {ok}, changed message refused {refused}"),
            ok="yes" if ok else "no",
            refused="yes" if refused else "no",
        )
    xc.note(N_("SM2 signature verified; a changed message was refused"))


@check(
    "XC-OS-135",
    layer="os",
    severity="advisory",
    title=N_("GmSSL or Tongsuo SM3 known answer"),
    requirement=N_("Where GmSSL or Tongsuo is installed, it computes the SM3 digest of 'abc' correctly."),
    remedy=N_("Reinstall GmSSL or Tongsuo from its vendor."),
    source="guanzhi/GmSSL README (SM3 'abc' vector); Tongsuo-Project/Tongsuo README",
    tags=("sm-crypto",),
)
def test_other_sm_libs(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-gmssl-tongsuo")
    if tool:
        xc.not_applicable(
            N_("{tool} is not installed: {what} is not present"), tool="GmSSL, Tongsuo", what="another SM library"
        )
    libs = smcrypto.other_libs(text)
    wrong = [name for name, facts in libs.items() if smcrypto.SM3_ABC not in facts.get("sm3", "")]
    if wrong:
        xc.fail(
            N_("{algorithm}: expected {expected}, got {got}"),
            algorithm=f"SM3 ({', '.join(wrong)})",
            expected=smcrypto.SM3_ABC,
            got=libs[wrong[0]].get("sm3", "nothing")[:80],
        )
    names = ", ".join(f"{n} {f.get('version', '')}".strip() for n, f in libs.items())
    xc.note(N_("{algorithm} known answer matches"), algorithm=f"SM3 ({names})")


@check(
    "XC-OS-136",
    layer="os",
    severity="advisory",
    title=N_("TLCP (SM TLS) support reported"),
    requirement=N_(
        "Whether a TLCP (GB/T 38636) capable library is installed (Tongsuo NTLS, GmSSL tlcp tools) is recorded; upstream OpenSSL has none."
    ),
    remedy=N_("Install Tongsuo or GmSSL where the bundle must speak TLCP."),
    source="Tongsuo-Project/Tongsuo#17 README (TLCP); guanzhi/GmSSL; REF 3 (RFC 8998 and TLCP are not in upstream OpenSSL)",
    tags=("sm-crypto",),
)
def test_tlcp(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-gmssl-tongsuo")
    if tool:
        # the fact that remains: the system OpenSSL (upstream has no TLCP), or no openssl at all
        result = run_probe(target, "openssl-version")
        if smcrypto.openssl_version(result.text) is None and not _absent(result):
            raise FactMissing("openssl version could not be read")
        xc.measure("tlcp", False, "bool")
        record(xc, "TLCP", "no (neither Tongsuo nor GmSSL is installed; upstream OpenSSL has no TLCP)")
        return
    libs = smcrypto.other_libs(text)
    capable = [n for n, f in libs.items() if f.get("opt") or f.get("cmd")]
    xc.measure("tlcp", bool(capable), "bool")
    record(xc, "TLCP", ", ".join(capable) or "no")


@check(
    "XC-OS-137",
    layer="os",
    severity="advisory",
    title=N_("System crypto policy recorded"),
    requirement=N_("The system-wide crypto policy (update-crypto-policies --show) is recorded where the OS has one."),
    remedy=N_(
        "Choose the policy that keeps the bundle's algorithms enabled (SM algorithms are outside DEFAULT on some releases)."
    ),
    source="crypto-policies(7) (gitlab.com/redhat-crypto/fedora-crypto-policies)",
    tags=("sm-crypto",),
)
def test_crypto_policy(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-crypto-policy")
    if tool:
        xc.not_applicable(
            N_("{tool} is not installed: {what} is not present"),
            tool="crypto-policies",
            what="a system-wide crypto policy",
        )
    policy = " ".join(line[7:] for line in text.splitlines() if line.startswith("policy ")).strip()
    if not policy:
        raise FactMissing("update-crypto-policies printed no policy")
    record(xc, "crypto policy", policy)
