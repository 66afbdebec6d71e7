"""The arm64 root's second stage sees an index of only the packages the first stage fetched, and the full
index is back afterwards, byte for byte (also when the second stage fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.lab.arm import _only_what_is_installed

INDEX = """\
Package: libc6
Version: 2.36-9+deb12u9
Architecture: arm64
Filename: pool/main/g/glibc/libc6_2.36-9+deb12u9_arm64.deb

Package: openssh-server
Version: 1:9.2p1-2+deb12u3
Architecture: arm64
Depends: libc6 (>= 2.36)
Filename: pool/main/o/openssh/openssh-server_9.2p1-2+deb12u3_arm64.deb

Package: emacs
Version: 1:28.2+1-15
Architecture: all
Description: GNU Emacs editor (metapackage) — not fetched
"""


def _root(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "root"
    (root / "debootstrap").mkdir(parents=True)
    (root / "debootstrap" / "debpaths").write_text(
        "libc6 /var/cache/apt/archives/libc6_2.36-9+deb12u9_arm64.deb\n"
        "openssh-server /var/cache/apt/archives/openssh-server_1%3a9.2p1-2+deb12u3_arm64.deb\n",
        encoding="utf-8",
    )
    lists = root / "var" / "lib" / "apt" / "lists"
    lists.mkdir(parents=True)
    index = lists / "deb.debian.org_debian_dists_bookworm_main_binary-arm64_Packages"
    index.write_bytes(INDEX.encode("utf-8"))
    return root, index


def test_the_second_stage_sees_only_the_fetched_packages(tmp_path: Path) -> None:
    root, index = _root(tmp_path)
    full = index.read_bytes()
    with _only_what_is_installed(root):
        seen = index.read_text(encoding="utf-8")
        assert "Package: libc6\n" in seen and "Package: openssh-server\n" in seen
        assert "emacs" not in seen
        assert "Depends: libc6 (>= 2.36)" in seen  # each stanza whole
    assert index.read_bytes() == full
    assert sorted(p.name for p in index.parent.iterdir()) == [index.name]


def test_the_full_index_is_back_when_the_second_stage_fails(tmp_path: Path) -> None:
    root, index = _root(tmp_path)
    full = index.read_bytes()
    with pytest.raises(RuntimeError), _only_what_is_installed(root):
        raise RuntimeError("second stage failed")
    assert index.read_bytes() == full
