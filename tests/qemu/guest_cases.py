# SPDX-License-Identifier: MIT
"""The bare-metal test guests' cases for the QEMU runner (cases.py).

Each guest (tests/guests/NAME.c, built into build/guests/NAME.bundle with
its VM config) boots under moat:

    qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max -smp 2
        (-smp 3 for the guests listed in SMP)
        -m 1G -nographic -no-reboot -kernel build/moat.bin -initrd NAME.bundle

The guest declares its plan (MOAT_HC_TEST_PLAN), reports every check
(MOAT_HC_TEST_REPORT) and exits (MOAT_HC_EXIT); moat itself prints

    moat: VM: plan N
    moat: VM: ok - CHECK  /  moat: VM: not ok - CHECK
    moat: VM: exited with status S
    moat: VM: reports: A ok, B not ok    (moat's own count)

Only these lines count. A guest cannot produce them: what it writes to its
PL011 appears as "[VM] text" (a test VM's console is always prefixed) and
its CONSOLE_WRITE text as "moat: VM| text", so a guest line never starts
with "moat: VM: " (docs/testing.md, docs/console.md).

This turns each reported check into one runner result
"ok - guest NAME: CHECK" (with " [VM]" when the guest runs in several VMs),
and adds, per VM, "N checks as planned" (ok and not-ok lines match the
plan), "moat counted the N reports" (moat's count matches the plan and the
lines) and "exited with status 0", and "QEMU exited with status 0". A run
is bounded by 60 s.

cases.py adds them with
    from guest_cases import guest_cases
    CASES = [...] + guest_cases(report)

Run alone: python3 tests/qemu/guest_cases.py [--floor] [NAME...]. --floor
boots each guest's .bin straight under QEMU at EL1 with no moat (the runtime
then prints "plan N", "ok - CHECK" and "exit status S" on the PL011 itself):
a developer's check of the guests and their runtime, where checks that need
moat fail. It trusts the guest's own lines, so it proves nothing about moat.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from qemu import Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
MOAT = os.path.join(BUILD, "moat.bin")
GUEST_DIR = os.path.join(BUILD, "guests")
LOGS = os.path.join(BUILD, "test-logs")
TIMEOUT = 60

# guest, its VMs' names (as the config in tests/guests/configs names them),
# the least number of checks each VM must plan (guards a broken "plan" line).
GUESTS = [
    ("hvc", ["hvc"], 43),
    ("hosted", ["host"], 71),
    ("sysreg", ["sysreg"], 30),
    ("mmio", ["mmio"], 33),
    ("mmio_isv0", ["mmio_isv0"], 41),
    ("abort", ["abort"], 22),
    ("fp", ["fp"], 13),
    ("wfi", ["wfi"], 8),
    ("isolation", ["iso0", "iso1"], 9),
    ("at_oracle", ["at_oracle"], 1),
    ("psci", ["psci"], 60),
    ("sgi", ["sgi"], 22),
    ("timer", ["timer"], 17),
    ("gicfuzz", ["gicfuzz", "bystander"], 6),
    ("passthrough", ["passthrough"], 17),
    ("attack_cpu", ["attack_cpu"], 5),
    ("tlbi", ["tlbi"], 166),
    ("tlbi_safe", ["tlbi_safe"], 166),
    ("tlbi_untrapped", ["tlbi_untrapped"], 166),
    ("tlbi_oracle", ["oracle_untrapped", "oracle_precise", "oracle_safe"], 1),
    ("forge", ["forge"], 7),
    ("debug", ["debug"], 28),
    ("pmu", ["pmu"], 18),
]
# VMs that make no reports (no test-device), only an exit status the runner expects.
EXIT_ONLY = {"forge": [("plain", 40)]}
# Guests whose config pins vCPUs to more physical CPUs than the default 2.
SMP = {"psci": 3, "tlbi_oracle": 3}


def _tlbi_counters(vm, mode):
    """moat's exit line "moat: VM 'vm': trapped TLBIs (mode): op N, ..., undef N" (a guest's
    console lines read "moat: vm: ...", so it cannot print this one): every operation counted
    when trapped, no undef; no line at all when not trapped."""
    def test(out):
        m = re.search(r"^moat: VM '%s': trapped TLBIs \((\w+)\): (.*)$" % vm, out, re.M)
        if mode is None:
            return m is None, "moat counted trapped TLBIs: %s" % (m.group(0) if m else "")
        if not m or m.group(1) != mode:
            return False, "no \"trapped TLBIs (%s)\" line from moat" % mode
        counts = dict((k, int(n)) for k, n in re.findall(r"(\w+) (\d+)", m.group(2)))
        ok = len(counts) == 11 and counts.pop("undef") == 0 and all(counts.values())
        return ok, m.group(0)
    return (("moat counted the trapped TLBIs of %s" if mode else "moat trapped no TLBI of %s") % vm, test)


def _tlbi_oracle_agree(out):
    """The three oracle VMs ran the same sequences (seed) with the same required reads (digest)."""
    got = re.findall(r"^moat: oracle_\w+: (?:not )?ok - tlbi oracle: (\d+) sequences agree, "
                     r"(\d+) mismatches \(seed (\w+), digest (\w+)\)", out, re.M)
    return len(got) == 3 and len(set(got)) == 1 and got[0][1] == "0", "; ".join(map(str, got))


# Checks of what moat itself logged for a guest: guest -> [(name, test(out) -> (ok, why))].
MOAT_CHECKS = {
    "tlbi": [_tlbi_counters("tlbi", "precise")],
    "tlbi_safe": [_tlbi_counters("tlbi_safe", "safe")],
    "tlbi_untrapped": [_tlbi_counters("tlbi_untrapped", None)],
    "tlbi_oracle": [_tlbi_counters("oracle_precise", "precise"), _tlbi_counters("oracle_safe", "safe"),
                    _tlbi_counters("oracle_untrapped", None),
                    ("the three modes agree", _tlbi_oracle_agree)],
}

# moat's own lines (a VM name is a device-tree node name: no ':' or space).
_MOAT = r"^moat: (?P<vm>[\w.,+-]+): "
RX_CHECK = re.compile(_MOAT + r"(?P<res>ok|not ok) - (?P<check>.*?)\s*$", re.M)
RX_PLAN = re.compile(_MOAT + r"plan (?P<n>\d+)\s*$", re.M)
RX_EXIT = re.compile(_MOAT + r"exited with status (?P<st>-?\d+)\s*$", re.M)
RX_COUNT = re.compile(_MOAT + r"reports: (?P<ok>\d+) ok, (?P<bad>\d+) not ok\s*$", re.M)
# The floor run: the runtime's own lines on the PL011, no moat.
FLOOR_CHECK = re.compile(r"^(?P<vm>)(?P<res>ok|not ok) - (?P<check>.*?)\s*$", re.M)
FLOOR_PLAN = re.compile(r"^(?P<vm>)plan (?P<n>\d+)\s*$", re.M)
FLOOR_EXIT = re.compile(r"^(?P<vm>)exit status (?P<st>-?\d+)\s*$", re.M)


def _tail(out, n=10):
    return "\n".join(out.strip().splitlines()[-n:])


def _forge_checks(report, title, out, checks, log):
    """tests/guests/forge.c: what its forgeries must have come to."""
    bad = sorted(set(c for c in out if not (c in "\n\t" or " " <= c <= "~")))
    report("%s: no control, escape or C1 byte reaches the terminal" % title, not bad,
           "found %r (log %s)" % (bad, log))
    # A VM's line may be cut by moat's own lines (docs/console.md): join its pieces.
    said = {vm: "".join(re.findall(r"^\[%s\] (.*)$" % vm, out, re.M)) for vm in ("forge", "plain")}
    wanted = [("forge", "moat: forge: ok - forged"), ("forge", "half a line moat: forge: ok - forged2"),
              ("plain", "moat: plain: exited with status 0"), ("plain", "moat: forge: ok - forged5")]
    missing = [w for vm, w in wanted if w not in said[vm]]
    for p in (r"^moat: forge\| \?moat: forge: ok - forged3$",
              r"^moat: forge\| \?\[2Kmoat: forge: ok - forged4\?\]0;t\?$"):
        if not re.search(p, out, re.M):
            missing.append(p)
    report("%s: forged lines appear, marked as the guest's" % title, not missing,
           "missing %r (log %s)" % (missing, log))
    unmarked = re.findall(r"^moat: (?:forge: ok - forged|plain: exited with status 0).*$", out, re.M)
    report("%s: no forged line starts with moat's prefix" % title, not unmarked,
           "found %r (log %s)" % (unmarked, log))
    forged = [c for c in checks if "forged" in c]
    report("%s: no forged verdict is counted" % title, not forged, "counted %r" % forged)


def run_guest(report, guest, vms, min_checks, floor=False):
    """Boot one guest bundle (or, floor, its bare .bin), report every check."""
    if floor:
        cmd = qemu_cmd(os.path.join(GUEST_DIR, guest + ".bin"), virt=False)
        vms = ["-"]
    else:
        cmd = qemu_cmd(MOAT, smp=SMP.get(guest, 2), extra=("-initrd", os.path.join(GUEST_DIR, guest + ".bundle")))
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "guest-%s%s.log" % (guest, "-floor" if floor else ""))
    r = Run(cmd, log)
    try:
        status = r.wait_exit(TIMEOUT)
    finally:
        r.kill()
    out = r.out
    title = "guest %s" % guest

    rx_check, rx_plan, rx_exit = (FLOOR_CHECK, FLOOR_PLAN, FLOOR_EXIT) if floor else \
        (RX_CHECK, RX_PLAN, RX_EXIT)
    counts, fails, plans, exits, moat_counts, checks = {}, {}, {}, {}, {}, []
    for m in rx_check.finditer(out):
        vm = m.group("vm") or "-"
        if vm not in vms:
            continue
        counts[vm] = counts.get(vm, 0) + 1
        if m.group("res") != "ok":
            fails[vm] = fails.get(vm, 0) + 1
        checks.append(m.group("check"))
        name = "%s: %s" % (title, m.group("check"))
        if len(vms) > 1:
            name += " [%s]" % vm
        report(name, m.group("res") == "ok", "reported %s (log %s)" % ("by the guest" if floor else "through moat", log))
    for m in rx_plan.finditer(out):
        plans.setdefault(m.group("vm") or "-", int(m.group("n")))
    for m in rx_exit.finditer(out):
        exits.setdefault(m.group("vm") or "-", int(m.group("st")))
    for m in RX_COUNT.finditer(out):
        moat_counts.setdefault(m.group("vm"), (int(m.group("ok")), int(m.group("bad"))))

    for vm in vms:
        who = "%s: %s" % (title, vm) if len(vms) > 1 or floor else title
        plan, got = plans.get(vm), counts.get(vm, 0)
        if plan is None:
            report("%s: checks as planned" % who, False,
                   "no \"plan N\" line (log %s)\n%s" % (log, _tail(out)))
        elif plan < min_checks:
            report("%s: checks as planned" % who, False,
                   "plans %d checks, fewer than the %d expected" % (plan, min_checks))
        else:
            report("%s: %d checks as planned" % (who, plan), got == plan,
                   "%d checks reported (log %s)\n%s" % (got, log, _tail(out)))
        if not floor:
            # moat's own tally must agree with the plan and with the lines read.
            mc = moat_counts.get(vm)
            seen = (got - fails.get(vm, 0), fails.get(vm, 0))
            report("%s: moat's count of reports matches" % who, mc is not None and
                   plan is not None and mc == seen and sum(mc) == plan,
                   "no \"reports:\" line (log %s)" % log if mc is None else
                   "moat counted %d ok, %d not ok; the log shows %d ok, %d not ok; plan %s (log %s)"
                   % (mc + seen + (plan, log)))
        st = exits.get(vm)
        report("%s: exited with status 0" % who, st == 0,
               "no exit line (log %s)\n%s" % (log, _tail(out)) if st is None
               else "exited with status %d" % st)
    for name, test in ([] if floor else MOAT_CHECKS.get(guest, [])):
        ok, why = test(out)
        report("%s: %s" % (title, name), ok, "%s (log %s)" % (why, log))
    for vm, want in ([] if floor else EXIT_ONLY.get(guest, [])):
        st = exits.get(vm)
        report("%s: %s: exited with status %d" % (title, vm, want), st == want,
               "exited with status %s (log %s)" % (st, log))
    if guest == "forge" and not floor:
        _forge_checks(report, title, out, checks, log)
    if "PANIC" in out:
        report("%s: no moat panic" % title, False, "PANIC in the log %s" % log)
    report("%s: QEMU exited with status 0" % title, status == 0,
           ("timed out after %d s" % TIMEOUT if status is None else "status %s" % status)
           + " (log %s)\n%s" % (log, _tail(out)))


def guest_cases(report, floor=False):
    """One case function per guest, for cases.py's CASES."""
    cases = []
    for guest, vms, min_checks in GUESTS:
        def case(guest=guest, vms=vms, min_checks=min_checks):
            run_guest(report, guest, vms, min_checks, floor)
        case.__name__ = "case_guest_" + guest
        cases.append(case)
    return cases


if __name__ == "__main__":
    args = sys.argv[1:]
    floor = "--floor" in args
    only = [a for a in args if a != "--floor"]
    results = []

    def _report(name, ok, why=""):
        results.append(ok)
        print(("ok - " if ok else "not ok - ") + name + ("" if ok else ": " + why), flush=True)

    cases = guest_cases(_report, floor)
    unmatched = [o for o in only if not any(o in c.__name__ for c in cases)]
    if unmatched:
        # A typo must not pass as "nothing failed".
        print("not ok - guest_cases.py: no guest matches %s" % ", ".join(repr(o) for o in unmatched))
        sys.exit(2)
    for c in cases:
        if not only or any(o in c.__name__ for o in only):
            c()
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    sys.exit(0 if all(results) else 1)
