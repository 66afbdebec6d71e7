"""OS layer, issue 15: the host-level items of MLPS 2.0 (GB/T 22239-2019) level 3, tag ``mlps``.

Select them alone with ``-m``-style tag selection or run them with the profile. GB/T 22239 names
what must hold, not numbers: a check passes when the control is configured and enabled, and records
its settings; it never invents a length, an age or a count.
"""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.probes import baseline
from harness.session import HostSession
from suites.hostlib import MLPS_TAGS, FactMissing, need, probe

GBT = "GB/T 22239-2019 (信息安全技术 网络安全等级保护基本要求), level 3, "
IA = GBT + "8.1.4.1 身份鉴别 (identification and authentication)"
AC = GBT + "8.1.4.2 访问控制 (access control)"
AU = GBT + "8.1.4.3 安全审计 (security audit)"
IP = GBT + "8.1.4.4 入侵防范 (intrusion prevention)"


def _pam(target: HostSession) -> str:
    text = need(target, "hc-pam")
    if "end" not in text.split():
        raise FactMissing("the PAM probe did not finish")
    return text


@check(
    "XC-OS-250",
    layer="os",
    severity="advisory",
    title=N_("Password complexity enforced"),
    requirement=N_(
        "A password quality module (pam_pwquality, pam_cracklib or pam_passwdqc) is in the PAM password stack (identification information has complexity requirements)."
    ),
    remedy=N_(
        "Add 'password requisite pam_pwquality.so' to the password stack and set minlen/minclass in /etc/security/pwquality.conf."
    ),
    source=IA + " a)",
    tags=MLPS_TAGS,
)
def test_password_complexity(target: HostSession, xc: CheckContext) -> None:
    text = _pam(target)
    stack = baseline.pam_modules(text, "password")
    if not stack:
        raise FactMissing("no PAM password stack was found in /etc/pam.d")
    hits = [line for _, line in stack if any(m in line for m in baseline.COMPLEXITY_MODULES)]
    if not hits:
        xc.fail(
            N_("No password quality module in the PAM password stack ({files})"),
            files=", ".join(sorted({f for f, _ in stack})),
        )
    conf = baseline.conf_values(text, "/etc/security/pwquality.conf")
    settings = (
        ", ".join(
            f"{k}={v}"
            for k, v in conf.items()
            if k in ("minlen", "minclass", "dcredit", "ucredit", "lcredit", "ocredit")
        )
        or "module defaults"
    )
    xc.note(
        N_("Password quality enforced: {module} ({settings})"),
        module=hits[0].split()[2] if len(hits[0].split()) > 2 else hits[0],
        settings=settings,
    )


@check(
    "XC-OS-251",
    layer="os",
    severity="advisory",
    title=N_("Password expiry configured"),
    requirement=N_(
        "Passwords expire (PASS_MAX_DAYS in /etc/login.defs is set and is not 99999, 'never'), so they are changed periodically."
    ),
    remedy=N_("Set PASS_MAX_DAYS (the site's policy, e.g. 90) in /etc/login.defs and chage -M for existing accounts."),
    source=IA + " a) (定期更换, changed periodically); login.defs(5) PASS_MAX_DAYS (99999 or -1: never expires)",
    tags=MLPS_TAGS,
)
def test_password_expiry(target: HostSession, xc: CheckContext) -> None:
    defs = baseline.login_defs(need(target, "hc-login-defs"))
    days = defs.get("PASS_MAX_DAYS")
    if days is None or not days.isdigit() or int(days) >= 99999:
        xc.fail(N_("Passwords never expire (PASS_MAX_DAYS {days})"), days=days or "unset")
    xc.measure("pass_max_days", int(days), "count")
    xc.note(N_("Passwords expire after {days} days"), days=days)


@check(
    "XC-OS-252",
    layer="os",
    severity="advisory",
    title=N_("Failed-login lockout configured"),
    requirement=N_(
        "A failed-login lockout module (pam_faillock or pam_tally2) is in the PAM auth stack (limit on illegal login attempts)."
    ),
    remedy=N_(
        "Enable pam_faillock (authselect enable-feature with-faillock, or the auth stack) and set deny/unlock_time in /etc/security/faillock.conf."
    ),
    source=IA + " b)",
    tags=MLPS_TAGS,
)
def test_lockout(target: HostSession, xc: CheckContext) -> None:
    text = _pam(target)
    stack = baseline.pam_modules(text, "auth")
    if not stack:
        raise FactMissing("no PAM auth stack was found in /etc/pam.d")
    hits = [line for _, line in stack if any(m in line for m in baseline.LOCKOUT_MODULES)]
    if not hits:
        xc.fail(
            N_("No failed-login lockout in the PAM auth stack ({files})"),
            files=", ".join(sorted({f for f, _ in stack})),
        )
    conf = baseline.conf_values(text, "/etc/security/faillock.conf")
    xc.note(
        N_("Failed logins lock the account: {settings}"),
        settings=", ".join(f"{k}={v}" for k, v in conf.items()) or hits[0],
    )


@check(
    "XC-OS-253",
    layer="os",
    severity="advisory",
    title=N_("Idle sessions time out"),
    requirement=N_(
        "Idle sessions are ended: TMOUT is set for login shells, or sshd's ClientAliveInterval is set (login connections time out)."
    ),
    remedy=N_("Set 'readonly TMOUT=600; export TMOUT' in /etc/profile.d/tmout.sh (the site's policy value)."),
    source=IA + " b) (登录连接超时自动退出)",
    tags=MLPS_TAGS,
)
def test_idle_timeout(target: HostSession, xc: CheckContext) -> None:
    text = need(target, "hc-tmout")
    if "end" not in text.split():
        raise FactMissing("the idle timeout probe did not finish")
    shell, alive = baseline.tmout(text)
    if shell is None and alive is None:
        xc.fail(N_("No idle timeout: neither TMOUT nor ClientAliveInterval is set"))
    xc.note(
        N_("Idle timeout: TMOUT {tmout}, ClientAliveInterval {alive}"),
        tmout=shell if shell is not None else "unset",
        alive=alive if alive is not None else "unset",
    )


@check(
    "XC-OS-254",
    layer="os",
    severity="advisory",
    title=N_("Remote root login refused"),
    requirement=N_("sshd refuses root logins (PermitRootLogin no); administrators log in with their own accounts."),
    remedy=N_("Set PermitRootLogin no in /etc/ssh/sshd_config and reload sshd."),
    source=AC + " b), d) (default account, separation of administrator privileges)",
    tags=MLPS_TAGS,
)
def test_root_login(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-sshd-config")
    if tool:
        xc.not_applicable(
            N_("{tool} is not installed: {what} is not present"), tool="sshd", what="remote login over SSH"
        )
    value = baseline.sshd_settings(text).get("permitrootlogin", "prohibit-password (OpenSSH default)")
    if value != "no":
        xc.fail(N_("sshd allows root to log in (PermitRootLogin {value})"), value=value)
    xc.note(N_("sshd refuses root logins"))


def _listening(target: HostSession) -> set[tuple[str, int]]:
    return baseline.listening_ports(need(target, "hc-listening"))


def _ports_check(xc: CheckContext, target: HostSession, ports: dict[int, str]) -> None:
    open_ = _listening(target)
    hits = sorted({f"{ports[p]} ({proto}/{p})" for proto, p in open_ if p in ports})
    xc.measure("listening_sockets", len(open_), "count")
    if hits:
        xc.fail(N_("Listening: {services}"), services=", ".join(hits))
    xc.note(N_("None of {services} listens"), services=", ".join(sorted(set(ports.values()))))


@check(
    "XC-OS-255",
    layer="os",
    severity="advisory",
    title=N_("No clear-text remote administration"),
    requirement=N_(
        "No clear-text remote login service listens (telnet 23, rexec 512, rlogin 513, rsh 514): remote management must not expose authentication information."
    ),
    remedy=N_(
        "Disable telnet/rsh/rlogin (systemctl disable --now telnet.socket rsh.socket rlogin.socket); administer over SSH."
    ),
    source=IA + " c)",
    tags=MLPS_TAGS,
)
def test_cleartext_admin(target: HostSession, xc: CheckContext) -> None:
    _ports_check(xc, target, {23: "telnet", 512: "rexec", 513: "rlogin", 514: "rsh"})


@check(
    "XC-OS-256",
    layer="os",
    severity="advisory",
    title=N_("No default shares or high-risk ports"),
    requirement=N_("No default file sharing or high-risk service listens (FTP 21, TFTP 69, NetBIOS 137-139, SMB 445)."),
    remedy=N_("Disable the services named, or restrict them to the management network as the site's policy allows."),
    source=IP + " b) (关闭不需要的系统服务、默认共享和高危端口; the standard names no port list: these are the IANA "
    "well-known ftp, tftp, netbios-ns/dgm/ssn and microsoft-ds services)",
    tags=MLPS_TAGS,
)
def test_risky_ports(target: HostSession, xc: CheckContext) -> None:
    _ports_check(
        xc, target, {21: "ftp", 69: "tftp", 137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn", 445: "smb"}
    )


def _audit(target: HostSession) -> dict[str, object]:
    text = need(target, "hc-auditd")
    if "end" not in text.split():
        raise FactMissing("the audit probe did not finish")
    return baseline.audit_facts(text)


@check(
    "XC-OS-257",
    layer="os",
    severity="advisory",
    title=N_("Audit daemon running"),
    requirement=N_("auditd runs (security audit is enabled and its process protected from interruption)."),
    remedy=N_("Install audit and enable it: systemctl enable --now auditd."),
    source=AU + " a), d)",
    tags=MLPS_TAGS,
)
def test_auditd(target: HostSession, xc: CheckContext) -> None:
    facts = _audit(target)
    if not facts["running"]:
        xc.fail(N_("auditd is not running"))
    xc.note(N_("auditd is running"))


@check(
    "XC-OS-258",
    layer="os",
    severity="advisory",
    title=N_("Audit rules loaded"),
    requirement=N_(
        "Audit rules are loaded (auditctl -l, or the rules files when auditctl needs root), so important user actions and security events are audited."
    ),
    remedy=N_(
        "Add rules in /etc/audit/rules.d/ (logins, privilege use, changes to /etc/passwd, /etc/shadow, sudoers) and run augenrules --load."
    ),
    source=AU + " a), b)",
    tags=MLPS_TAGS,
)
def test_audit_rules(target: HostSession, xc: CheckContext) -> None:
    rules = _audit(target)["rules"]
    assert isinstance(rules, list)
    xc.measure("audit_rules", len(rules), "count")
    if not rules:
        xc.fail(N_("No audit rule is loaded or configured"))
    xc.note(N_("{count} audit rules"), count=len(rules))


@check(
    "XC-OS-259",
    layer="os",
    severity="advisory",
    title=N_("Audit logs protected"),
    requirement=N_(
        "/var/log/audit and audit.log are neither world-writable nor world-readable (audit records are protected)."
    ),
    remedy=N_("chmod 0700 /var/log/audit; chmod 0600 /var/log/audit/audit.log (log_group in auditd.conf)."),
    source=AU + " c)",
    tags=MLPS_TAGS,
)
def test_audit_logs(target: HostSession, xc: CheckContext) -> None:
    perms = _audit(target)["perms"]
    assert isinstance(perms, dict)
    if not perms:
        xc.not_applicable(N_("There is no {what} on this host"), what="/var/log/audit")
    loose = sorted(f"{p} {mode:o}" for p, (mode, _) in perms.items() if mode & 0o006)
    if loose:
        xc.fail(N_("Audit logs open to every user: {files}"), files=", ".join(loose))
    xc.note(
        N_("Audit logs are closed to other users: {files}"),
        files=", ".join(f"{p} {m:o}" for p, (m, _) in perms.items()),
    )


@check(
    "XC-OS-260",
    layer="os",
    severity="advisory",
    title=N_("No world-writable files"),
    requirement=N_("No regular file on the local file systems is writable by every user."),
    remedy=N_("chmod o-w on the files named (or move shared data to a directory with a group)."),
    profiles=("full", "disruptive"),
    timeout_s=240.0,
    source=AC + " (users get only the rights assigned to them); " + IP,
    tags=MLPS_TAGS,
)
def test_world_writable(target: HostSession, xc: CheckContext) -> None:
    text, _ = probe(target, "hc-world-writable")
    done, files = baseline.world_writable(text)
    if not done:
        raise FactMissing("find over the local file systems did not finish")
    xc.measure("world_writable", len(files), "count")
    if files:
        xc.fail(N_("{count} world-writable files: {files}"), count=len(files), files=", ".join(files[:10]))
    xc.note(N_("No world-writable regular file"))


@check(
    "XC-OS-261",
    layer="os",
    severity="advisory",
    title=N_("Only root has user id 0"),
    requirement=N_("No account but root has user id 0 (administrator privileges are separated and minimal)."),
    remedy=N_("Give the accounts named their own user id, and grant administration through sudo."),
    source=AC + " d)",
    tags=MLPS_TAGS,
)
def test_uid0(target: HostSession, xc: CheckContext) -> None:
    entries = baseline.passwd_entries(need(target, "hc-passwd"))
    if not entries:
        raise FactMissing("/etc/passwd could not be read")
    extra = [name for name, uid, _ in entries if uid == 0 and name != "root"]
    if extra:
        xc.fail(N_("Accounts with user id 0 besides root: {accounts}"), accounts=", ".join(extra))
    xc.note(N_("Only root has user id 0 ({count} accounts)"), count=len(entries))


@check(
    "XC-OS-262",
    layer="os",
    severity="advisory",
    title=N_("No account without a password"),
    requirement=N_("No account in /etc/shadow has an empty password field (every login is authenticated)."),
    remedy=N_("Lock the accounts named (passwd -l) or give them a password."),
    source=IA + " a)",
    tags=MLPS_TAGS,
)
def test_empty_passwords(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-shadow-empty")
    if tool:
        raise FactMissing("/etc/shadow is not readable by the certifying user (needs root)")
    if "end" not in text.split():
        raise FactMissing("the /etc/shadow probe did not finish")
    empty = [line[6:] for line in text.splitlines() if line.startswith("empty ")]
    if empty:
        xc.fail(N_("Accounts without a password: {accounts}"), accounts=", ".join(empty))
    xc.note(N_("Every account in /etc/shadow has a password or is locked"))
