"""Property tests: every parser takes any text (truncated, binary, non-UTF-8 decoded with
replacement) and returns its documented shape, never raising."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.catalog.signals import signals_from
from harness.facts.snapshot import Facts
from harness.identify import identify_host
from harness.probes.arch import arch_tokens, canonical, cpuinfo_isa
from harness.probes.cpuinfo import count_processors, cpuinfo_summary, parse_cpuinfo, parse_lscpu
from harness.probes.db_version import clean_version_output
from harness.probes.dmi import dmi_signals, meaningful, parse_dmidecode
from harness.probes.os_release import parse_os_release, parse_release_line
from harness.probes.processes import java_main, parse_processes
from harness.probes.release_files import parse_ini

# text as a host may return it: any code points, plus bytes decoded the way Facts decodes them
texts = st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("utf-8", "replace")),
    st.lists(
        st.sampled_from(
            [
                "processor\t: 0",
                "CPU part\t: 0x663",
                "vendor_id\t:   Shanghai  ",
                "ID=kylin",
                'NAME="Kylin',
                "Handle 0x0004, DMI type 4, 48 bytes",
                "\tVersion: FT2500",
                "",
                "model name : Loongson-3A5000",
                "java -cp x com.bes.enterprise.startup.ASMain",
                "\x00\xff",
                "key=",
                "=value",
                ":",
                "release V10 (Sword",
            ]
        ),
        max_size=30,
    ).map("\n".join),
)
SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(texts)
def test_cpuinfo_parsers(text: str) -> None:
    blocks = parse_cpuinfo(text)
    assert all(isinstance(k, str) and k == k.lower() for b in blocks for k in b)
    assert isinstance(cpuinfo_summary(text), dict)
    assert 0 <= count_processors(text) <= len(blocks)
    assert all(isinstance(v, str) for v in parse_lscpu(text).values())
    isa = cpuinfo_isa(cpuinfo_summary(text))
    assert isa is None or isinstance(isa, str)


@SETTINGS
@given(texts)
def test_release_parsers(text: str) -> None:
    fields = parse_os_release(text)
    assert all(k.isidentifier() for k in fields)
    line = parse_release_line(text)
    assert set(line) <= {"line", "name", "version", "codename"}
    assert all(isinstance(v, str) for v in parse_ini(text).values())


@SETTINGS
@given(texts)
def test_dmi_parsers(text: str) -> None:
    records = parse_dmidecode(text)
    assert all(isinstance(t, int) for t in records)
    flat = dmi_signals(text, {"sys_vendor": text, "product_name": text})
    assert all(v and v == v.strip() for v in flat.values())
    value = meaningful(text)
    assert value is None or value == value.strip()


@SETTINGS
@given(texts)
def test_process_and_version_parsers(text: str) -> None:
    procs = parse_processes(text)
    assert len(procs) <= 200 and all(p == p.strip() and p for p in procs)
    for p in procs:
        main = java_main(p)
        assert main is None or main in p
    cleaned = clean_version_output(text)
    assert "\n" not in cleaned and cleaned == cleaned.strip()


@SETTINGS
@given(texts)
def test_arch_helpers(text: str) -> None:
    assert all(isinstance(a, str) for a in arch_tokens(text))
    name = canonical(text)
    assert name is None or name == name.strip().lower() or name in {"x86_64", "aarch64"}


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "/etc/os-release",
                "/proc/cpuinfo",
                "/etc/kylin-release",
                "/etc/lsb-release",
                "/etc/os-version",
                "/etc/.kyinfo",
                "/sys/class/dmi/id/sys_vendor",
                "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1",
            ]
        ),
        st.binary(max_size=400),
    ),
    st.dictionaries(
        st.sampled_from(["uname-m", "uname-r", "uname-a", "lscpu", "dmidecode", "db-version", "processes"]),
        st.binary(max_size=400),
    ),
)
def test_identification_never_crashes(files: dict[str, bytes], commands: dict[str, bytes]) -> None:
    facts = Facts(files=files, commands=commands)
    assert all(isinstance(v, str) for v in signals_from(facts).values())
    ident = identify_host(facts)
    for comp in ident.components.values():
        # every layer is either identified by a rule or says why not
        assert (comp.catalog_id and comp.rule) or comp.reason or comp.rule
    assert ident.consistent == (not ident.issues)
