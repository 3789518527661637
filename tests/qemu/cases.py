# SPDX-License-Identifier: MIT
"""The QEMU test cases of `make test-guests`.

Each case boots moat (optionally with a test guest), waits for lines and
checks them. A case prints "ok - NAME" or "not ok - NAME: why"; a test guest
that reports checks ("moat: guest ...: ok/not ok CHECK") adds one line per
check. Add a case by adding a function to CASES.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from qemu import Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
MOAT = os.path.join(BUILD, "moat.bin")
LOGS = os.path.join(BUILD, "test-logs")
results = []


def report(name, ok, why=""):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + name + ("" if ok else ": " + why), flush=True)


def run(name, cmd, expect, timeout=60, exit_expected=False, exit_status=0):
    """Boot, wait for every regex in expect (in order), report one result."""
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, name + ".log")
    r = Run(cmd, log)
    try:
        for pat in expect:
            if not r.wait_for(pat, timeout):
                tail = "\n".join(r.out.strip().splitlines()[-8:])
                report(name, False, "missing /%s/ (log %s)\n%s" % (pat, log, tail))
                return r
        if exit_expected:
            st = r.wait_exit(timeout)
            if st != exit_status:
                report(name, False, "QEMU did not exit with status %d (got %s)" % (exit_status, st))
                return r
        report(name, True)
        return r
    finally:
        r.kill()


def case_boot_smp():
    for n in (1, 2, 4):
        r = run("boot %d CPU%s" % (n, "s" if n > 1 else ""), qemu_cmd(MOAT, smp=n),
                [r"^moat: %d CPUs online$" % n])
        # Without a bundle moat stops with that one error; any other is a failure.
        if "PANIC" in r.out or re.search(r"error: (?!no boot bundle)", r.out):
            report("boot %d CPUs: no errors" % n, False, "unexpected error in the log")


def case_no_virt():
    run("no virtualization=on gives a clear error", qemu_cmd(MOAT, virt=False),
        [r"^moat: error: started at EL1, not EL2: .*virtualization=on"], exit_expected=True,
        exit_status=1)


def case_panic_dump():
    for kind, esr in (("undef", r"UNKNOWN"), ("unmapped", r"DABT_CUR"),
                      ("write-text", r"DABT_CUR.*[Pp]ermission"),
                      ("stack-overflow", r"DABT_CUR.*translation fault, level 3")):
        run("panic dump: %s" % kind, qemu_cmd(MOAT, smp=2, append="moat.fault=" + kind),
            [r"^moat: error: PANIC on CPU 0: unexpected synchronous \(EL2\)",
             r"ESR_EL2 0x[0-9a-f]+ +.*" + esr, r"FAR_EL2 0x[0-9a-f]+ +ELR_EL2 0x[0-9a-f]+",
             r"x30 [0-9a-f]{16}  sp  [0-9a-f]{16}", r"system halted"], timeout=30,
            exit_expected=True, exit_status=2)


from guest_cases import guest_cases  # noqa: E402

def case_cpu_fails():
    """A CPU in the DTB that firmware cannot start is reported; boot goes on."""
    import subprocess
    os.makedirs(LOGS, exist_ok=True)
    base = os.path.join(LOGS, "virt-2cpu.dtb")
    bad = os.path.join(LOGS, "virt-ghost-cpu.dtb")
    dump = qemu_cmd(MOAT, smp=2)
    dump[dump.index("-M") + 1] += ",dumpdtb=" + base
    subprocess.run(dump, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", base], capture_output=True,
                         text=True).stdout
    ghost = ("\t\tcpu@7 {\n\t\t\treg = <0x07>;\n\t\t\tenable-method = \"psci\";\n"
             "\t\t\tcompatible = \"arm,cortex-a57\";\n\t\t\tdevice_type = \"cpu\";\n\t\t};\n")
    dts = dts.replace("\t\tcpu@1 {", ghost + "\t\tcpu@1 {", 1)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", bad, "-"], input=dts, text=True)
    run("a CPU that cannot start is reported and boot continues",
        qemu_cmd(MOAT, smp=2, extra=["-dtb", bad]),
        [r"^moat: error: CPU MPIDR 0x7 failed to start: PSCI CPU_ON returned -?\d+ \(\w+\)",
         r"^moat: 2 CPUs online$"])


def case_bad_config():
    """A configuration mistake: one line naming the VM and property, then power-off."""
    import subprocess
    os.makedirs(LOGS, exist_ok=True)
    bundle = os.path.join(LOGS, "bad-config.bundle")
    dts = ('/dts-v1/; / { compatible = "moat,bundle-v1"; vms { web { vcpus = <3>; '
           'memory = <0x0 0x40000000 0x0 0x1000000>; kernel = /incbin/("%s"); }; }; };'
           % os.path.join(BUILD, "guests", "hvc.bin"))
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", bundle, "-"], input=dts, text=True)
    run("a configuration mistake is named in one line and QEMU exits",
        qemu_cmd(MOAT, smp=2, extra=["-initrd", bundle]),
        [r"^moat: error: config: VM 'web': property 'vcpus' asks for 3 vCPUs but only 2 CPUs "
         r"are online$", r"no VM started: powering off"], exit_expected=True, exit_status=1)


def case_bundle_hang():
    """A bundle that made libfdt 1.6.1 loop for ever (a property length of
    0xfffffff4, tests/fuzz/seeds/config): refused at once, QEMU exits."""
    bundle = os.path.join(os.path.dirname(__file__), "..", "fuzz", "seeds", "config",
                          "hang-prop-len-minus-12")
    run("a bundle whose property length wraps is refused, not a hang",
        qemu_cmd(MOAT, smp=2, extra=["-initrd", bundle]),
        [r"^moat: error: config: the boot bundle is not a valid device tree",
         r"no VM started: powering off"], timeout=30, exit_expected=True, exit_status=1)



from attack_cases import attack_cases  # noqa: E402
from config_cases import config_cases  # noqa: E402

CASES = [case_boot_smp, case_no_virt, case_panic_dump, case_cpu_fails, case_bad_config, case_bundle_hang] + \
    config_cases(run, report) + guest_cases(report) + attack_cases(report)

if __name__ == "__main__":
    only = sys.argv[1:]
    chosen = [c for c in CASES if not only or any(o in c.__name__ for o in only)]
    unmatched = [o for o in only if not any(o in c.__name__ for c in CASES)]
    if unmatched:
        # A typo must not pass as "nothing failed".
        print("not ok - cases.py: no case matches %s (cases: %s)"
              % (", ".join(repr(o) for o in unmatched), " ".join(c.__name__ for c in CASES)),
              flush=True)
        sys.exit(2)
    for c in chosen:
        c()
    sys.exit(0 if results and all(results) else 1)
