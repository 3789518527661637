# SPDX-License-Identifier: MIT
"""The bare-metal test guests' cases for the QEMU runner (cases.py).

Each guest (tests/guests/NAME.c, built into build/guests/NAME.bundle with
its VM config) boots under moat:

    qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max -smp 2
        (-smp 3 for the guests listed in SMP)
        -m 1G -nographic -no-reboot -kernel build/moat.bin -initrd NAME.bundle

The guest prints "plan N" first, then reports every check through
MOAT_HC_TEST_REPORT and exits through MOAT_HC_EXIT; moat prints

    moat: VM: plan N                     (a console line of the guest)
    moat: VM: ok - CHECK  /  moat: VM: not ok - CHECK
    moat: VM: exited with status S

This turns each reported check into one runner result
"ok - guest NAME: CHECK" (with " [VM]" when the guest runs in several VMs),
and adds, per VM, "N checks as planned" and "exited with status 0", and
"QEMU exited with status 0". A run is bounded by 60 s.

cases.py adds them with
    from guest_cases import guest_cases
    CASES = [...] + guest_cases(report)

Run alone: python3 tests/qemu/guest_cases.py [--floor] [NAME...]. --floor
boots each guest's .bin straight under QEMU at EL1 with no moat (the runtime
then prints "ok - CHECK" / "exit status S" on the PL011 itself): a check of
the guests and their runtime, where checks that need moat fail.
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
    ("hvc", ["hvc"], 31),
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
]
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

_PREFIX = r"^(?:moat: (?P<vm>[\w.@-]+): )?"
RX_CHECK = re.compile(_PREFIX + r"(?P<res>ok|not ok) - (?P<check>.*?)\s*$", re.M)
RX_PLAN = re.compile(_PREFIX + r"plan (?P<n>\d+)\s*$", re.M)
RX_EXIT = re.compile(_PREFIX + r"(?:exited with status|exit status) (?P<st>-?\d+)\s*$", re.M)


def _tail(out, n=10):
    return "\n".join(out.strip().splitlines()[-n:])


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

    counts, plans, exits = {}, {}, {}
    for m in RX_CHECK.finditer(out):
        vm = m.group("vm") or "-"
        counts[vm] = counts.get(vm, 0) + 1
        name = "%s: %s" % (title, m.group("check"))
        if len(vms) > 1:
            name += " [%s]" % vm
        report(name, m.group("res") == "ok", "reported by the guest (log %s)" % log)
    for m in RX_PLAN.finditer(out):
        plans.setdefault(m.group("vm") or "-", int(m.group("n")))
    for m in RX_EXIT.finditer(out):
        exits.setdefault(m.group("vm") or "-", int(m.group("st")))

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
        st = exits.get(vm)
        report("%s: exited with status 0" % who, st == 0,
               "no exit line (log %s)\n%s" % (log, _tail(out)) if st is None
               else "exited with status %d" % st)
    for name, test in ([] if floor else MOAT_CHECKS.get(guest, [])):
        ok, why = test(out)
        report("%s: %s" % (title, name), ok, "%s (log %s)" % (why, log))
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

    for c in guest_cases(_report, floor):
        if not only or any(o in c.__name__ for o in only):
            c()
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    sys.exit(0 if all(results) else 1)
