"""ELF LOAD alignment, unresolved libraries and jemalloc's page size, from the host-check probes."""

from __future__ import annotations

import re


def load_alignments(text: str | None) -> dict[str, int]:
    """``/path: 0x1000 0x10000`` lines -> the smallest LOAD alignment of every file."""
    out: dict[str, int] = {}
    for raw in (text or "").splitlines():
        path, sep, rest = raw.rpartition(": ")
        if not sep or not path.startswith("/"):
            continue
        values = [int(v, 16) for v in re.findall(r"0x[0-9a-fA-F]+", rest)]
        if values:
            out[path] = min(values)
    return out


def misaligned(alignments: dict[str, int], page_size: int) -> list[str]:
    """Files with a LOAD segment aligned below the page size (they do not load on that kernel)."""
    return sorted(p for p, a in alignments.items() if a < page_size)


def unresolved(text: str | None) -> tuple[list[str], dict[str, list[str]]]:
    """``file X`` blocks of ldd output filtered to problems -> (files looked at, {file: missing libs})."""
    files: list[str] = []
    problems: dict[str, list[str]] = {}
    current = ""
    for raw in (text or "").splitlines():
        if raw.startswith("file "):
            current = raw[5:].strip()
            files.append(current)
        elif current and "not found" in raw:
            problems.setdefault(current, []).append(raw.split("=>")[0].strip())
    return files, problems


def jemalloc_results(text: str | None) -> tuple[bool, dict[str, str]]:
    """(probe finished, {library: what preloading it printed})."""
    out: dict[str, str] = {}
    done = False
    for raw in (text or "").splitlines():
        if raw.strip() == "done":
            done = True
        m = re.match(r"^lib (/\S+): ?(.*)$", raw)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return done, out


def jemalloc_pages(text: str | None) -> dict[str, int]:
    """The page size each jemalloc was compiled for (``page /lib/libjemalloc.so.2 4096``: stats_print's
    'Page size:' line, i.e. arenas.page); libraries whose stats could not be printed are left out."""
    out: dict[str, int] = {}
    for raw in (text or "").splitlines():
        m = re.match(r"^page (/\S+) (\d+)$", raw.strip())
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def jemalloc_broken(results: dict[str, str]) -> list[str]:
    """Libraries that did not run a shell when preloaded (``<jemalloc>: Unsupported system page size``)."""
    return sorted(lib for lib, said in results.items() if said.split()[-1:] != ["ok"] or "jemalloc>" in said)


def kernel_page_config(text: str | None) -> int | None:
    """The page size a kernel config selects: CONFIG_ARM64_64K_PAGES=y, CONFIG_PAGE_SIZE_4KB=y or
    CONFIG_ARM64_PAGE_SHIFT / CONFIG_PAGE_SHIFT."""
    t = text or ""
    m = re.search(r"^CONFIG_ARM64_(4|16|64)K_PAGES=y", t, re.MULTILINE)
    if m:
        return int(m.group(1)) * 1024
    m = re.search(r"^CONFIG_PAGE_SIZE_(\d+)KB=y", t, re.MULTILINE)
    if m:
        return int(m.group(1)) * 1024
    m = re.search(r"^CONFIG_(?:ARM64_)?PAGE_SHIFT=(\d+)", t, re.MULTILINE)
    if m and 10 <= int(m.group(1)) <= 20:
        return 1 << int(m.group(1))
    return None
