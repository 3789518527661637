# SPDX-License-Identifier: MIT
"""The attack suite: hostile guests against moat, one line of result.

Each attack guest (tests/guests/attack_*.c) runs in a VM beside the
bystander (tests/guests/attack_bystander.c) and reports every attack as one
check named "attack: AREA: WHAT" through the runtime's check(); the runner
(guest_cases.run_guest, reused so the parsing follows the test channel)
turns them into results. Some attacks are judged here, from the outside:
configurations moat must refuse, and what reaches the console. At the end
it prints

    attacks: N tried, E escaped

and one result "attacks: N tried, 0 escaped". N counts distinct attack
names. An attack escapes when its check is "not ok"; besides, a run in
which moat panicked, the bystander noticed anything (any bystander check
not ok), a VM did not make its planned checks or exit with status 0, or
QEMU did not exit with status 0 adds one escape (it cannot be pinned to
one attack). Attacks named in XFAIL wait for a known finding to be fixed:
when they fail they print "# xfail: NAME (finding)" and are neither tried
nor escaped; when they pass they count and print "# xpass" (remove them
from XFAIL). See docs/testing.md, "Attack suite".

Run alone: python3 tests/qemu/attack_cases.py [NAME...] (substrings of the
case names); cases.py adds attack_cases(report) to its CASES.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import guest_cases  # noqa: E402
from guest_cases import run_guest, BUILD, GUEST_DIR, LOGS, MOAT  # noqa: E402
from qemu import Run, qemu_cmd  # noqa: E402

# guest, its VMs, the least number of checks each VM must plan.
ATTACK_GUESTS = [
    ("attack_bystander", ["bystander"], 6),
    ("attack_mem", ["mem", "bystander"], 6),
    ("attack_hvc", ["hvc", "bystander"], 6),
    ("attack_sysreg", ["sysreg", "bystander"], 6),
    ("attack_gic", ["gic", "bystander"], 6),
]
# Guests whose config needs more physical CPUs than the default 2.
ATTACK_SMP = {"attack_hvc": 3}

FINDING_ODD_FSC = "finding: data aborts with odd fault codes are emulated as MMIO"
FINDING_WA2 = "finding: SMCCC_ARCH_WORKAROUND_2 forwards a disable to firmware"
FINDING_ID = "finding: ID registers advertise features moat does not handle"
FINDING_TEST_HC = "finding: test hypercalls are open to VMs without test-device"
FINDING_DMA_PT = "finding: passthrough of DMA-capable devices (fw_cfg) is accepted"
FINDING_ESC = "finding: console escape sequences pass raw"

# Attack name -> the finding whose fix it waits for.
XFAIL = {
    "attack: sysreg: with SVE hidden, ID_AA64ZFR0_EL1 (SVE features) reads 0": FINDING_ID,
    "attack: sysreg: with SME hidden, ID_AA64SMFR0_EL1 (SME features) reads 0": FINDING_ID,
    "attack: sysreg: the AArch32 ID registers hide the PMU, trace, RAS and AMU too": FINDING_ID,
}

RX_ATTACK = re.compile(r"(attack: .*?)(?: \[[\w.@-]+\])?$")
RX_VM_EXIT = re.compile(r"^guest \S+: (?:(?P<vm>[\w.@-]+): )?exited with status 0$")


class Tally:
    """Attack results across all runs."""

    def __init__(self, report):
        self.report = report
        self.attacks = {}       # name -> ok (False if any report of it failed)
        self.run_escapes = []   # why a whole run counts as one escape
        self.xfailed = set()

    def attack(self, name, ok, why=""):
        """One attack result: reported unless it is an expected failure."""
        if name in XFAIL and not ok:
            if name not in self.xfailed:
                print("# xfail: %s (%s)" % (name, XFAIL[name]), flush=True)
            self.xfailed.add(name)
            return
        if name in XFAIL:
            print("# xpass: %s (%s): remove it from XFAIL" % (name, XFAIL[name]), flush=True)
        self.attacks[name] = self.attacks.get(name, True) and ok
        self.report(name, ok, why)

    def run_failed(self, what):
        self.run_escapes.append(what)

    def summary(self):
        tried = len(self.attacks)
        escaped = sum(1 for ok in self.attacks.values() if not ok) + len(self.run_escapes)
        line = "attacks: %d tried, %d escaped" % (tried, escaped)
        print(line, flush=True)
        why = "; ".join(["%s not ok" % n for n, ok in self.attacks.items() if not ok]
                        + self.run_escapes)
        self.report("attacks: %d tried, 0 escaped" % tried if not escaped else line,
                    escaped == 0 and tried > 0, why or "no attack ran")


def run_attack_guest(tally, guest, vms, min_checks):
    """Boot one attack config; sort its results into attacks and run health."""
    results = []
    guest_cases.SMP.setdefault(guest, ATTACK_SMP.get(guest, 2))
    run_guest(lambda name, ok, why="": results.append((name, ok, why)), guest, vms, min_checks)
    log = os.path.join(LOGS, "guest-%s.log" % guest)
    xfail_failed_vms = set()
    other_failed_vms = set()
    for name, ok, why in results:
        m = RX_ATTACK.search(name)
        vm = re.search(r" \[([\w.@-]+)\]$", name)
        vm = vm.group(1) if vm else vms[0]
        if m and not ok:
            (xfail_failed_vms if m.group(1) in XFAIL else other_failed_vms).add(vm)
        elif not m and not ok and RX_VM_EXIT.match(name) is None:
            other_failed_vms.add(vm)
    for name, ok, why in results:
        m = RX_ATTACK.search(name)
        if m:
            tally.attack(m.group(1), ok, why)
            continue
        e = RX_VM_EXIT.match(name)
        if e and not ok:
            vm = e.group("vm") or vms[0]
            # A guest whose only failed checks are expected failures exits with 1.
            if why == "exited with status 1" and vm in xfail_failed_vms \
                    and vm not in other_failed_vms:
                tally.report(name.replace("exited with status 0", "exited with status 1 "
                                          "(only xfail attacks failed)"), True)
                continue
        tally.report(name, ok, why)
        if not ok:
            tally.run_failed("%s (%s)" % (name, why.splitlines()[0] if why else "failed"))
    _note_overlap(guest, vms, log)
    return log


def _note_overlap(guest, vms, log):
    """Say when an attacker outlived the bystander (the overlap is by time)."""
    if "bystander" not in vms or len(vms) < 2:
        return
    try:
        out = open(log).read()
    except OSError:
        return
    last = out.rfind("moat: bystander: ok - bystander: ")
    for vm in vms:
        if vm == "bystander":
            continue
        ex = out.find("moat: %s: exited with status" % vm)
        if ex > last >= 0:
            print("# note: %s: VM %s was still attacking when the bystander made its "
                  "final checks (a slow machine?)" % (guest, vm), flush=True)


def attack_cases(report):
    """One case function that runs the whole suite, for cases.py's CASES."""
    def case_attacks():
        tally = Tally(report)
        for guest, vms, min_checks in ATTACK_GUESTS:
            run_attack_guest(tally, guest, vms, min_checks)
        tally.summary()
    return [case_attacks]


if __name__ == "__main__":
    results = []

    def _report(name, ok, why=""):
        results.append(ok)
        print(("ok - " if ok else "not ok - ") + name + ("" if ok else ": " + why), flush=True)

    only = sys.argv[1:]
    if only:
        ATTACK_GUESTS[:] = [g for g in ATTACK_GUESTS if any(o in g[0] for o in only)]
    for c in attack_cases(_report):
        c()
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    sys.exit(0 if all(results) else 1)
