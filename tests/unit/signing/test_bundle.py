from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness.errors import InputError, UsageError
from harness.signing.bundle import make_bundle, verify_bundle
from harness.signing.keys import generate, load_private, load_public
from harness.signing.manifest import run_evidence_digest
from tests.unit.signing.runs import make_run


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path, Path]:
    root = tmp_path_factory.mktemp("bundle")
    run = make_run(root)
    private, public = generate(root / "key")
    make_bundle(run, load_private(private), root / "b.xcb")
    return (root / "b.xcb").read_bytes(), public, run


def test_keygen_writes_a_private_key_only_the_owner_reads_and_never_overwrites(tmp_path: Path) -> None:
    private, public = generate(tmp_path / "k")
    assert public == tmp_path / "k.pub"
    assert private.stat().st_mode & 0o777 == 0o600
    assert load_public(public).public_bytes_raw() == load_private(private).public_key().public_bytes_raw()
    with pytest.raises(UsageError, match="exists"):
        generate(tmp_path / "k")


def test_a_bundle_verifies_and_carries_every_file_but_hidden_ones(signed: tuple[bytes, Path, Path]) -> None:
    data, public, run = signed
    result = verify_bundle(data, load_public(public))
    assert result.ok, result.problems
    names = {f["path"] for f in result.manifest["files"]}
    assert "run/results.json" in names and "run/run.json" in names
    assert not any(".lock" in n for n in names)
    assert result.manifest["tool"]["suite_digest"] == "sha256:" + "0" * 64
    assert result.manifest["evidence_digest"] == run_evidence_digest(run)[0]


BLOCK = 512
#: in a block of bytes of one kind (a member's contents, padding, the end-of-archive zeros), every STRIDE-th
STRIDE = 11


def _flip_positions(data: bytes) -> set[int]:
    """Where a changed byte is tried: every byte of every member's header and of the signature's block(s), and in
    every other 512-byte block (contents, padding, end of archive) its first and last byte and every 11th between.
    Each region and each block of the archive is covered; runs of bytes that the same digest or the same layout
    comparison guards are sampled (every byte of the 20 KiB took 20,000 verifications)."""
    full: set[int] = set()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for info in tar:
            full |= set(range(info.offset, info.offset_data))  # its header (long-name blocks too)
            if info.name == "manifest.sig":
                end = info.offset_data + -(-info.size // BLOCK) * BLOCK
                full |= set(range(info.offset_data, end))
            # the first byte after its contents: padding, or the next header
            full.add(info.offset_data + info.size)
    sampled = {p for start in range(0, len(data), BLOCK) for p in (start, start + BLOCK - 1)}
    sampled |= set(range(0, len(data), STRIDE))
    return full | {p for p in sampled if p < len(data)}


def test_changing_any_byte_fails(signed: tuple[bytes, Path, Path]) -> None:
    data, public, _ = signed
    key = load_public(public)
    positions = _flip_positions(data)
    # every block of the archive is tried, and the headers and the signature in whole
    assert {p // BLOCK for p in positions} == set(range(len(data) // BLOCK))
    assert len(data) > 10 * BLOCK and len(positions) < len(data)
    for pos in sorted(positions):  # headers, contents, padding, end blocks
        changed = bytearray(data)
        changed[pos] ^= 0x01
        assert not verify_bundle(bytes(changed), key).ok, f"flip at {pos} went unseen"


def test_adding_or_removing_bytes_fails(signed: tuple[bytes, Path, Path]) -> None:
    data, public, _ = signed
    key = load_public(public)
    for pos in range(0, len(data), 257):
        assert not verify_bundle(data[:pos] + b"\0" + data[pos:], key).ok, f"insert at {pos}"
        assert not verify_bundle(data[:pos] + data[pos + 1 :], key).ok, f"delete at {pos}"
    assert not verify_bundle(data + b"\0" * 512, key).ok
    assert not verify_bundle(data[:-1], key).ok


def _rewrite(data: bytes, edit: str) -> bytes:
    """Rebuild the archive as a forger would, with one file changed, added or removed."""
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data)) as src,
        tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as dst,
    ):
        for info in src:
            fh = src.extractfile(info)
            content = fh.read() if fh else b""
            if info.name == "run/run.json" and edit == "remove":
                continue
            if info.name == "run/run.json" and edit == "change":
                content = content.replace(b"t1", b"t2")
            info.size = len(content)
            dst.addfile(info, io.BytesIO(content))
        if edit == "add":
            info = tarfile.TarInfo("run/extra.txt")
            info.size = 1
            dst.addfile(info, io.BytesIO(b"x"))
    return out.getvalue()


@pytest.mark.parametrize(
    ("edit", "says"),
    [("change", "changed: run/run.json"), ("remove", "removed: run/run.json"), ("add", "added: run/extra.txt")],
)
def test_verify_says_which_file_differs(signed: tuple[bytes, Path, Path], edit: str, says: str) -> None:
    data, public, _ = signed
    result = verify_bundle(_rewrite(data, edit), load_public(public))
    assert any(p.startswith(says) for p in result.problems), result.problems


def test_another_key_fails(signed: tuple[bytes, Path, Path]) -> None:
    data, _, _ = signed
    result = verify_bundle(data, Ed25519PrivateKey.generate().public_key())
    assert not result.ok
    assert result.problems[0].startswith("signature:")


def test_garbage_is_not_a_bundle(signed: tuple[bytes, Path, Path]) -> None:
    _, public, _ = signed
    assert not verify_bundle(b"not a tar at all" * 100, load_public(public)).ok
    assert not verify_bundle(b"", load_public(public)).ok


def test_a_key_file_that_is_not_a_key_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "k").write_text("hello")
    with pytest.raises(InputError, match="not an unencrypted PEM private key"):
        load_private(tmp_path / "k")
    with pytest.raises(InputError, match="not a PEM public key"):
        load_public(tmp_path / "k")
