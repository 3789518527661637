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

and one result "attacks: N tried, 0 escaped" (ok only when E is 0 and N
is not). N counts distinct attack names that were judged (xfail ones
aside). E is the number of those whose result is "not ok", plus one for
every failed result of a run that is not an attack: a bystander check, a
VM's "checks as planned" or exit status, a moat panic ("PANIC" in the
log), QEMU's exit status (a run that went wrong cannot be pinned to one
attack). A VM that exits with status 1 only because some of its attacks
failed adds nothing more. Attacks named in XFAIL wait for a known finding
to be fixed: when they fail they print "# xfail: NAME (finding)" and are
neither tried nor escaped; when they pass they count and print "# xpass"
(remove them from XFAIL). See docs/testing.md, "Attack suite".

Run alone: python3 tests/qemu/attack_cases.py [NAME...]: with names, only
the attack guests whose name contains one of them, and the attacks built
here only if a name is "runner", "notest" or "passthrough". cases.py adds
attack_cases(report) to its CASES (one case, case_attacks).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import guest_cases  # noqa: E402
from guest_cases import run_guest, GUEST_DIR, LOGS, MOAT  # noqa: E402
from qemu import Run, qemu_cmd  # noqa: E402

# guest, its VMs, the least number of checks each VM must plan.
ATTACK_GUESTS = [
    ("attack_bystander", ["bystander"], 6),
    ("attack_mem", ["mem", "bystander"], 6),
    ("attack_hvc", ["hvc", "bystander"], 6),
    ("attack_sysreg", ["sysreg", "bystander"], 6),
    ("attack_gic", ["gic", "bystander"], 6),
    ("attack_console", ["tty"], 6),
]
# The attacks built here (a VM without test-device, passthrough configurations).
RUNNER_ATTACKS = True
# Guests whose config needs more physical CPUs than the default 2.
ATTACK_SMP = {"attack_hvc": 3}

# Judged here from the console log of attack_console (see that guest).
A_FORGE = "attack: console: a VM's output cannot forge moat's test lines"
A_ESC_UART = "attack: console: escape sequences written to the PL011 do not reach the terminal raw"
A_ESC_HC = "attack: console: escape sequences sent with CONSOLE_WRITE do not reach the terminal raw"
A_TX_OFF = "attack: console: bytes written with the transmitter or UART disabled never reach the terminal"
A_FOCUS = "attack: console: the focus key in a VM's output does not move the input focus"
FORGED = "attack: console: forged line counted"

# Attack name -> the finding whose fix it waits for.
XFAIL = {}

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


def _vm_of(name, vms):
    """The VM a run_guest result is about: " [VM]" at the end, or "guest G: VM: ..."."""
    m = re.search(r" \[([\w.@-]+)\]$", name) or re.match(r"^guest \S+: ([\w.@-]+): ", name)
    return m.group(1) if m and m.group(1) in vms else vms[0]


def run_attack_guest(tally, guest, vms, min_checks):
    """Boot one attack config; sort its results into attacks and run health."""
    results = []
    forged = False
    guest_cases.SMP.setdefault(guest, ATTACK_SMP.get(guest, 2))
    run_guest(lambda name, ok, why="": results.append((name, ok, why)), guest, vms, min_checks)
    log = os.path.join(LOGS, "guest-%s.log" % guest)
    attack_failed_vms, xfail_failed_vms, other_failed_vms = set(), set(), set()
    for name, ok, why in results:
        m = RX_ATTACK.search(name)
        vm = _vm_of(name, vms)
        if m and not ok:
            (xfail_failed_vms if m.group(1) in XFAIL else attack_failed_vms).add(vm)
        elif not m and not ok and RX_VM_EXIT.match(name) is None:
            other_failed_vms.add(vm)
    for name, ok, why in results:
        m = RX_ATTACK.search(name)
        if m and m.group(1).startswith(FORGED):
            forged = True
            continue
        if m:
            tally.attack(m.group(1), ok, why)
            continue
        e = RX_VM_EXIT.match(name)
        if e and not ok:
            vm = e.group("vm") or vms[0]
            # A guest whose failed checks are all attacks exits with 1: those
            # attacks are counted already (or are expected failures).
            if why == "exited with status 1" and vm not in other_failed_vms and \
                    vm in attack_failed_vms | xfail_failed_vms:
                if vm not in attack_failed_vms:
                    tally.report(name.replace("exited with status 0", "exited with status 1 "
                                              "(only xfail attacks failed)"), True)
                else:
                    tally.report(name, False, why + ": attacks failed")
                continue
        tally.report(name, ok, why)
        if not ok:
            tally.run_failed("%s (%s)" % (name, why.splitlines()[0] if why else "failed"))
    _note_overlap(guest, vms, log)
    if guest == "attack_console":
        _console_attacks(tally, log, forged)
    return log


def _read(log):
    try:
        return open(log, encoding="utf-8", errors="replace").read()
    except OSError:
        return ""


def _console_attacks(tally, log, forged):
    """What reached the terminal from attack_console (markers written by the guest)."""
    out = _read(log)
    tally.attack(A_FORGE, not forged, "a line the VM wrote on its PL011 was counted as a check")
    esc_uart = [e for e in ("\x1b]0;attack-title\x07", "\x1b[2J", "\x1b[31mattack-red\x1b",
                            "\x1b[10A", "\x1b]52;") if e in out]
    tally.attack(A_ESC_UART, not esc_uart, "raw in the log: %r" % esc_uart)
    esc_hc = [e for e in ("\x1b]0;attack-title-hc", "\x1b[31mattack-red-hc") if e in out]
    tally.attack(A_ESC_HC, not esc_hc, "raw in the log: %r" % esc_hc)
    tally.attack(A_TX_OFF, "must not appear" not in out and "attack-marker: escapes" in out,
                 "a marker written with the transmitter off is in the log (or the run ended early)")
    start = out.find("attack-marker: focus key")
    end = out.find("moat: tty: exited")
    moved = [ln for ln in out[start:end].splitlines()
             if re.match(r"^moat: (console input ->|console: no running VM)", ln)]
    tally.attack(A_FOCUS, start >= 0 and end > start and not moved,
                 "focus lines after the VM wrote the key: %r" % moved if moved
                 else "markers missing from the log")


def _boot_bundle(name, dts, timeout=60):
    """Compile dts into a bundle, boot moat on it until QEMU exits; (status, output, log)."""
    os.makedirs(LOGS, exist_ok=True)
    bundle = os.path.join(LOGS, name + ".bundle")
    log = os.path.join(LOGS, name + ".log")
    cp = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", bundle, "-"], input=dts,
                        text=True, capture_output=True)
    if cp.returncode:
        return None, "dtc failed: " + cp.stderr, log
    r = Run(qemu_cmd(MOAT, smp=2, extra=("-initrd", bundle)), log)
    try:
        status = r.wait_exit(timeout)
    finally:
        r.kill()
    return status, r.out, log


def _vm(name, cpu, extra):
    image = os.path.join(GUEST_DIR, "attack_console.bin")
    return ('%s { vcpus = <1>; cpus = <%d>; memory = <0x0 0x40000000 0x0 0x1000000>; '
            'kernel = /incbin/("%s"); %s };' % (name, cpu, image, extra))


def _bundle(*vms):
    return '/dts-v1/; / { compatible = "moat,bundle-v1"; vms { %s }; };' % " ".join(vms)


NOTEST = [
    ("attack: hvc: CONSOLE_WRITE is refused to a VM without test-device", "CONSOLE_WRITE"),
    ("attack: hvc: TEST_REPORT is refused to a VM without test-device", "TEST_REPORT"),
    ("attack: hvc: AT_TRANSLATE is refused to a VM without test-device", "AT_TRANSLATE"),
]


def notest_attacks(tally):
    """A VM without test-device calls moat's test hypercalls (attack_console.c, "notest")."""
    status, out, log = _boot_bundle("attack-notest", _bundle(_vm("notest", 0, 'bootargs = "notest";')))
    m = re.search(r"notest-result: CONSOLE_WRITE (-?\d+) TEST_REPORT (-?\d+) AT_TRANSLATE (-?\d+) "
                  r"TESTDEV (\w+)", out)
    got = dict(zip(("CONSOLE_WRITE", "TEST_REPORT", "AT_TRANSLATE"),
                   (int(m.group(i)) for i in (1, 2, 3)))) if m else {}
    leaked = {
        "CONSOLE_WRITE": "attack-marker: notest CONSOLE_WRITE got through" in out,
        "TEST_REPORT": "forged by a VM without test-device" in out,
        "AT_TRANSLATE": False,
    }
    for name, call in NOTEST:
        tally.attack(name, got.get(call) == -1 and not leaked[call],
                     "%s returned %s%s (log %s)" % (call, got.get(call, "nothing"),
                                                    ", and its effect is in the log" if leaked[call]
                                                    else "", log))
    tally.attack("attack: mem: a VM without test-device cannot reach the test device",
                 bool(m) and m.group(4) == "abort", "the test device answered (log %s)" % log)
    _run_health(tally, "attack-notest", status, out, log)


def _run_health(tally, what, status, out, log):
    if "PANIC" in out:
        tally.report("%s: no moat panic" % what, False, "PANIC in the log %s" % log)
        tally.run_failed("%s: moat panicked" % what)
    if status != 0:
        tally.report("%s: QEMU exited with status 0" % what, False, "status %s (log %s)" % (status, log))
        tally.run_failed("%s: QEMU status %s" % (what, status))


# Passthrough configurations moat must refuse: (attack, VM property, address probed if it runs).
PT_REFUSED = [
    ("fw_cfg (DMA-capable) is refused", "<0x0 0x09020000 0x0 0x1000 0>", 0x09020000),
    ("moat's console UART is refused", "<0x0 0x09000000 0x0 0x1000 0>", 0x09000018),
    ("the GIC distributor is refused", "<0x0 0x08000000 0x0 0x10000 0>", 0x08000004),
    ("the GIC ITS is refused", "<0x0 0x08080000 0x0 0x20000 0>", 0x08080008),
    ("the GIC redistributors are refused", "<0x0 0x080a0000 0x0 0x20000 0>", 0x080a0008),
    ("physical RAM (moat's, other VMs') is refused", "<0x0 0x7f000000 0x0 0x100000 0>", 0x7f000000),
    ("a range overlapping its own RAM is refused", "<0x0 0x40f00000 0x0 0x200000 0>", 0x40f00000),
    ("the SPI of moat's console UART (33) is refused", "<0x0 0x09010000 0x0 0x1000 33>", 0x09010000),
    ("a PPI (the virtual timer, 27) is refused", "<0x0 0x09010000 0x0 0x1000 27>", 0x09010000),
    ("INTID 1020 (special) is refused", "<0x0 0x09010000 0x0 0x1000 1020>", 0x09010000),
    ("a base that is not page-aligned is refused", "<0x0 0x09010800 0x0 0x800 0>", 0x09010000),
    ("a size of zero is refused", "<0x0 0x09010000 0x0 0x0 0>", 0x09010000),
    ("a range that wraps past 2^64 is refused", "<0x0 0x09010000 0xffffffff 0xfffff000 0>", 0x09010000),
]


def passthrough_attacks(tally):
    """Configurations that give a VM what it must not have: one clear error, no VM runs."""
    cases = [(what, _bundle(_vm("pt", 0, 'passthrough = %s; bootargs = "ptprobe 0x%x";' % (prop, addr))))
             for what, prop, addr in PT_REFUSED]
    rtc = "<0x0 0x09010000 0x0 0x1000 34>"
    cases.append(("a device already given to another VM is refused",
                  _bundle(_vm("pt", 0, 'passthrough = %s; bootargs = "ptprobe 0x9010000";' % rtc),
                          _vm("pt2", 1, 'passthrough = %s; bootargs = "ptprobe 0x9010000";' % rtc))))
    for i, (what, dts) in enumerate(cases):
        name = "attack: passthrough: " + what
        status, out, log = _boot_bundle("attack-pt-%d" % i, dts)
        err = re.search(r"^moat: error: config: VM '\w+': (?:property '?)?passthrough.*$", out, re.M)
        ran = "ptprobe-ran" in out
        if err:
            print("# %s: %s" % (name, err.group(0)), flush=True)
        # A configuration error stops moat with status 1 (semihosting exit, qemu.py).
        tally.attack(name, bool(err) and not ran and status == 1 and "PANIC" not in out,
                     "%s (log %s)" % ("the VM ran with it" if ran else
                                      "no config error naming 'passthrough'" if not err else
                                      "QEMU status %s" % status, log))
        if "PANIC" in out:
            tally.run_failed("%s: moat panicked" % name)


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
        if RUNNER_ATTACKS:
            notest_attacks(tally)
            passthrough_attacks(tally)
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
        RUNNER_ATTACKS = any(o in ("notest", "passthrough", "runner") for o in only)
    for c in attack_cases(_report):
        c()
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    sys.exit(0 if all(results) else 1)
