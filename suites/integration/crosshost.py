"""Cross-host checks (XC-INT-*): run once per run, over every host the inventory gives a role
(``xc_role``), after every host's own checks. They are not collected by the per-host pytest workers
(the file name does not start with ``test_``); harness.bundles.integration runs them.

Each check takes the cross-host view (harness.bundles.crosshost.CrossHost), its CheckContext and one
subject (see SUBJECTS).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness.bundles.crosshost import CrossHost, Endpoint
from harness.checks import N_, CheckContext, check
from harness.transport.base import HostUnreachable

#: from the application host: open a TCP connection to the address and port given on stdin
TCP_CONNECT = (
    "if command -v python3 >/dev/null 2>&1; then python3 -c '"
    "import socket,sys\n"
    "h,p=sys.stdin.read().split()\n"
    "try:\n"
    ' socket.create_connection((h,int(p)),5).close(); print("open")\n'
    "except OSError as e:\n"
    ' print("closed", e); sys.exit(1)\'; '
    'else read h p; if (exec 3<>"/dev/tcp/$h/$p") 2>/dev/null; then echo open; else echo closed; exit 1; fi; fi'
)
CLOCK = "date -u +%s.%N"
LINKS = "ip -o link show; echo ---; ip -o addr show"
#: resolve each name given on stdin (one a line): "name addr addr..."
RESOLVE = (
    "while read -r n; do printf '%s' \"$n\"; getent ahosts \"$n\" | awk '{print $1}' | sort -u | "
    "while read -r a; do printf ' %s' \"$a\"; done; echo; done"
)
#: the bundle requirement of issue 13; no standard gives a number for this
MAX_SKEW_S = 1.0


@check(
    "XC-INT-001",
    layer="integration",
    severity="mandatory",
    title=N_("Application hosts reach the database and middleware ports"),
    requirement=N_(
        "Every application host of the bundle opens a TCP connection to every database and middleware port it needs, from the application host itself"
    ),
    remedy=N_(
        "Open the port in the serving host's firewall and the network between the hosts, and check the service listens on the address the application uses"
    ),
    source="xcert issue 13 item 5 (the bundle's application hosts reach its database and middleware ports); RFC 9293 (TCP connection establishment)",
    tags=("cross-host", "network"),
)
def check_ports(view: CrossHost, xc: CheckContext, subject: Endpoint) -> None:
    stdin = f"{subject.address} {subject.port}\n".encode()
    result, _, _ = view.run(subject.client, TCP_CONNECT, stdin=stdin)
    out = result.text.strip()
    if result.rc == 0 and out.startswith("open"):
        xc.note(
            N_("{client} opened TCP {address}:{port} ({server})"),
            client=subject.client,
            address=subject.address,
            port=subject.port,
            server=subject.server,
        )
        return
    if not out.startswith("closed"):
        raise RuntimeError(f"the connection test did not run on {subject.client} (rc {result.rc}): {out[:200]}")
    xc.fail(
        N_("{client} cannot open TCP {address}:{port} ({server}): {reason}"),
        client=subject.client,
        address=subject.address,
        port=subject.port,
        server=subject.server,
        reason=out.removeprefix("closed").strip()[:200] or "refused",
    )


def clock_offsets(samples: dict[str, tuple[float, float, float]]) -> dict[str, tuple[float, float]]:
    """{host: (offset from the controller, uncertainty)} from (before, host time, after) samples."""
    return {h: (t - (b + a) / 2, (a - b) / 2) for h, (b, t, a) in samples.items()}


def skew_verdict(offsets: dict[str, tuple[float, float]], limit: float = MAX_SKEW_S) -> tuple[str, float, float]:
    """("pass" | "fail" | "undecided", skew, uncertainty) of the largest difference between two hosts."""
    values = sorted(offsets.items(), key=lambda kv: kv[1][0])
    (_, (low, u_low)), (_, (high, u_high)) = values[0], values[-1]
    skew, uncertainty = high - low, u_low + u_high
    if skew - uncertainty > limit:
        return "fail", skew, uncertainty
    if skew + uncertainty < limit:
        return "pass", skew, uncertainty
    return "undecided", skew, uncertainty


@check(
    "XC-INT-002",
    layer="integration",
    severity="mandatory",
    title=N_("Clocks of the bundle's hosts agree"),
    requirement=N_("The clocks of the bundle's hosts differ by less than 1 s"),
    remedy=N_("Synchronise every host of the bundle to the same time source (chrony or NTP)"),
    source="xcert issue 13 item 5 (clock skew between the bundle's hosts under 1 s: the bundle's requirement, no standard's number); measured as in RFC 5905 §8 (offset from the midpoint of a request and its reply)",
    tags=("cross-host", "time"),
)
def check_clock(view: CrossHost, xc: CheckContext, subject: None) -> None:
    samples: dict[str, tuple[float, float, float]] = {}
    for spec in view.hosts():
        result, before, after = view.run(spec.name, CLOCK)
        try:
            samples[spec.name] = (before, float(result.text.strip()), after)
        except ValueError:
            raise RuntimeError(f"{spec.name}: `{CLOCK}` printed {result.text.strip()[:80]!r}") from None
    if len(samples) < 2:
        xc.not_applicable(N_("Fewer than two hosts with a role: nothing to compare"))
    verdict, skew, uncertainty = skew_verdict(clock_offsets(samples))
    xc.measure("skew", round(skew * 1000, 3), "ms")
    xc.measure("uncertainty", round(uncertainty * 1000, 3), "ms")
    args = {"skew": f"{skew * 1000:.1f}", "uncertainty": f"{uncertainty * 1000:.1f}"}
    if verdict == "fail":
        xc.fail(N_("The clocks differ by {skew} ms (± {uncertainty} ms), 1 s at most is allowed"), **args)
    if verdict == "undecided":
        raise RuntimeError(f"skew {args['skew']} ms ± {args['uncertainty']} ms: too uncertain to decide against 1 s")
    xc.note(N_("The clocks differ by {skew} ms (± {uncertainty} ms)"), **args)


def parse_links(text: str) -> tuple[dict[str, int], dict[str, str]]:
    """({interface: mtu}, {address: interface}) from ``ip -o link show; echo ---; ip -o addr show``."""
    links, _, addrs = text.partition("---")
    mtus = {}
    for line in links.splitlines():
        m = re.match(r"^\d+:\s+([^:@\s]+)[^:]*:.*\smtu\s+(\d+)", line)
        if m:
            mtus[m.group(1)] = int(m.group(2))
    owners = {}
    for line in addrs.splitlines():
        m = re.match(r"^\d+:\s+(\S+)\s+inet6?\s+([^/\s]+)", line)
        if m:
            owners[m.group(2)] = m.group(1)
    return mtus, owners


@check(
    "XC-INT-003",
    layer="integration",
    severity="advisory",
    title=N_("The bundle's hosts use one MTU"),
    requirement=N_("The interfaces that carry the bundle's addresses have the same MTU on every host"),
    remedy=N_(
        "Set one MTU on every interface of the bundle's network (or make sure path MTU discovery works between them)"
    ),
    source="xcert issue 13 item 5 (the same MTU across the bundle's hosts); RFC 1191 (a larger MTU than the path's needs working path MTU discovery)",
    tags=("cross-host", "network"),
)
def check_mtu(view: CrossHost, xc: CheckContext, subject: None) -> None:
    found: dict[str, int] = {}
    for spec in view.hosts():
        result, _, _ = view.run(spec.name, LINKS)
        mtus, owners = parse_links(result.text)
        iface = owners.get(spec.address)
        if iface is None or iface not in mtus:
            raise RuntimeError(f"{spec.name}: no interface carries {spec.address} (`ip -o addr show`)")
        found[spec.name] = mtus[iface]
    shown = ", ".join(f"{h}={m}" for h, m in sorted(found.items()))
    if len(set(found.values())) > 1:
        xc.fail(N_("MTUs differ: {mtus}"), mtus=shown)
    xc.note(N_("Every host uses MTU {mtu}: {mtus}"), mtu=next(iter(found.values()), 0), mtus=shown)


def parse_resolved(text: str) -> dict[str, frozenset[str]]:
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if parts:
            out[parts[0]] = frozenset(parts[1:])
    return out


@check(
    "XC-INT-004",
    layer="integration",
    severity="advisory",
    title=N_("The bundle's hosts resolve names alike"),
    requirement=N_("Every host of the bundle resolves the bundle's host names to the same addresses"),
    remedy=N_("Give every host the same DNS servers or the same /etc/hosts entries for the bundle's hosts"),
    source="xcert issue 13 item 5 (the same name resolution across the bundle's hosts); getent(1) ahosts (the system's resolver order, nsswitch.conf(5))",
    tags=("cross-host", "dns"),
)
def check_names(view: CrossHost, xc: CheckContext, subject: None) -> None:
    names = [s.name for s in view.hosts() if re.match(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$", s.name)]
    stdin = ("\n".join(names) + "\n").encode()
    seen: dict[str, dict[str, frozenset[str]]] = {}
    for spec in view.hosts():
        result, _, _ = view.run(spec.name, RESOLVE, stdin=stdin)
        seen[spec.name] = parse_resolved(result.text)
    differ = []
    for name in names:
        answers = {host: res.get(name, frozenset()) for host, res in seen.items()}
        if len(set(answers.values())) > 1:
            differ.append(
                name + ": " + "; ".join(f"{h}→{' '.join(sorted(a)) or '-'}" for h, a in sorted(answers.items()))
            )
    if differ:
        xc.fail(N_("Hosts resolve names differently: {names}"), names=" | ".join(differ)[:500])
    xc.note(N_("Every host resolves {count} names alike"), count=len(names))


def subjects(view: CrossHost, fn: Callable[..., None]) -> list[Endpoint | None]:
    """What each check looks at: one endpoint each for XC-INT-001, the whole bundle for the others."""
    if fn is check_ports:
        return [*view.endpoints()]
    return [None]


CHECKS = (check_ports, check_clock, check_mtu, check_names)
__all__ = ["CHECKS", "HostUnreachable", "subjects"]
