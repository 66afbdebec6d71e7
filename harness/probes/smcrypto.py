"""National cryptography (SM2/SM3/SM4) answers of openssl, GmSSL and Tongsuo."""

from __future__ import annotations

import re

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SM4_KAT = "681edf34d206965e86b3e94f536e4246"


def openssl_version(text: str | None) -> tuple[int, int, int] | None:
    """``OpenSSL 1.1.1f  31 Mar 2020`` -> (1, 1, 1); Tongsuo/BabaSSL banners too."""
    m = re.search(r"(?:OpenSSL|Tongsuo|BabaSSL)\s+(\d+)\.(\d+)\.(\d+)", text or "")
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def hex_bytes(text: str | None) -> str:
    """``od -An -tx1`` output -> one hex string."""
    return "".join(w for w in (text or "").split() if re.fullmatch(r"[0-9a-f]{2}", w))


def sm4_modes(text: str | None) -> list[str]:
    """SM4 modes ``openssl list -cipher-algorithms`` names: ["CBC", "ECB", "GCM", ...]."""
    return sorted({m.upper() for m in re.findall(r"SM4-([A-Za-z0-9]+)", text or "", re.IGNORECASE)})


def sm2_roundtrip(text: str | None) -> tuple[bool, bool]:
    """(the genuine signature verified, the tampered message was refused)."""
    t = text or ""
    ok = bool(re.search(r"^(Verified OK|Signature Verified Successfully)", t, re.MULTILINE))
    refused = bool(re.search(r"^tampered: (Verification failure|Signature Verification Failure)", t, re.MULTILINE))
    return ok, refused


def other_libs(text: str | None) -> dict[str, dict[str, str]]:
    """``gmssl GmSSL 3.1.1`` / ``gmssl-sm3 66c7...`` / ``tongsuo-opt enable_ntls`` -> per tool."""
    out: dict[str, dict[str, str]] = {}
    for raw in (text or "").splitlines():
        head, _, rest = raw.partition(" ")
        tool, dash, kind = head.partition("-")
        if tool in ("gmssl", "tongsuo"):
            entry = out.setdefault(tool, {})
            key = kind if dash else "version"
            entry[key] = (entry.get(key, "") + " " + rest.strip()).strip()
    return out
