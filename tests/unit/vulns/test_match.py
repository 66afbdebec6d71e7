"""Matching installed packages against advisories with each distribution's own version order."""

from __future__ import annotations

from harness.vulns.feed import Advisory
from harness.vulns.match import affected, ecosystem_for, find, parse_dpkg, parse_rpm


def adv(ranges: tuple[tuple[str, str, str], ...], versions: tuple[str, ...] = (), eco: str = "Debian:12") -> Advisory:
    return Advisory("DSA-1", ("CVE-1",), "s", "HIGH", eco, "openssl", versions, ranges)


def test_debian_versions_compare_as_dpkg_does() -> None:
    a = adv((("0", "3.0.11-1~deb12u2", ""),))
    assert affected(a, "3.0.11-1~deb12u1", "dpkg") == (True, "3.0.11-1~deb12u2")
    assert affected(a, "3.0.11-1~deb12u2", "dpkg")[0] is False
    # a tilde sorts before anything, so 3.0.11-1 is newer than 3.0.11-1~deb12u2
    assert affected(a, "3.0.11-1", "dpkg")[0] is False
    assert affected(a, "1:1.0-1", "dpkg")[0] is False  # an epoch outranks any upstream version


def test_rpm_versions_compare_as_rpm_does() -> None:
    a = adv((("0", "1.1.1m-10.oe2203", ""),), eco="openEuler:22.03-LTS")
    assert affected(a, "1.1.1m-9.oe2203", "rpm")[0] is True  # 9 < 10 numerically, not as text
    assert affected(a, "1.1.1m-10.oe2203", "rpm")[0] is False


def test_explicit_versions_and_open_and_last_affected_ranges() -> None:
    assert affected(adv((), versions=("1.0-1",)), "1.0-1", "dpkg") == (True, "")
    assert affected(adv((("2.0", "", ""),)), "2.5", "dpkg")[0] is True
    assert affected(adv((("2.0", "", ""),)), "1.5", "dpkg")[0] is False
    assert affected(adv((("0", "", "2.0"),)), "2.0", "dpkg")[0] is True
    assert affected(adv((("0", "", "2.0"),)), "2.1", "dpkg")[0] is False


def test_dpkg_and_rpm_lists_are_parsed_with_their_source_packages() -> None:
    (p,) = parse_dpkg("libssl3:amd64\t3.0.11-1~deb12u1\topenssl\t3.0.11-1~deb12u1\n\ngarbage\n")
    assert (p.name, p.source, p.version) == ("libssl3", "openssl", "3.0.11-1~deb12u1")
    (r,) = parse_rpm("openssl-libs\t1:1.1.1m-9.oe2203\topenssl-1.1.1m-9.oe2203.src.rpm\n")
    assert (r.name, r.source, r.version) == ("openssl-libs", "openssl", "1:1.1.1m-9.oe2203")
    (z,) = parse_rpm("bash\t0:5.1.8-6.oe2203\tbash-5.1.8-6.oe2203.src.rpm\n")
    assert z.version == "5.1.8-6.oe2203"


def test_findings_match_source_packages_ecosystem_and_release() -> None:
    packages = parse_dpkg("libssl3\t3.0.11-1~deb12u1\topenssl\t3.0.11-1~deb12u1\n")
    vulnerable = adv((("0", "3.0.11-1~deb12u2", ""),))
    (f,) = find([vulnerable], packages, "Debian", "12", "dpkg")
    assert (f.advisory, f.package, f.fixed, f.severity) == ("DSA-1", "libssl3", "3.0.11-1~deb12u2", "HIGH")
    assert find([vulnerable], packages, "Debian", "11", "dpkg") == []  # another release's advisory
    assert find([vulnerable], packages, "Ubuntu", "12", "dpkg") == []


def test_openeuler_releases_match_by_prefix() -> None:
    packages = parse_rpm("openssl\t1.1.1m-9.oe2203\topenssl-1.1.1m-9.oe2203.src.rpm\n")
    a = adv((("0", "1.1.1m-10.oe2203", ""),), eco="openEuler:22.03-LTS-SP1")
    assert len(find([a], packages, "openEuler", "22.03", "rpm")) == 1
    assert find([a], packages, "openEuler", "20.03", "rpm") == []


def test_ecosystems_from_os_release() -> None:
    assert ecosystem_for({"ID": "openEuler"}) == ("openEuler", "rpm")
    assert ecosystem_for({"ID": "debian"}) == ("Debian", "dpkg")
    assert ecosystem_for({"ID": "kylin"}) is None
    assert ecosystem_for({"ID": "uos", "ID_LIKE": "debian"}) == ("Debian", "dpkg")
