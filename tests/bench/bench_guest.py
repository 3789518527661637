# SPDX-License-Identifier: MIT
"""`make bench-guests`: per-operation costs of moat's exits, with a floor.

Runs the bench guest (tests/guests/bench.c) twice under QEMU with
-icount shift=0, where CNTVCT advances with executed instructions (1 tick
= 16 instructions), so the figures repeat:

  - under moat: -M virt,virtualization=on -kernel moat.bin -initrd bench.bundle
  - the floor: the same bench.bin straight at EL1, no hypervisor; QEMU's
    firmware emulation answers the HVC (NOT_SUPPORTED), the ID register
    read is native, and the MMIO read goes to the PL011 (there is no test
    device without moat; see bench.c).

The guest prints "NAME: X ticks/op (net N)" per operation, X being the
cost of one iteration of its timed loop (how PLATFORM.md's KVM reference
figures are measured). This prints one line per operation:

    hypercall: X ticks/op (floor Y, ratio Z)

and, from two more runs in VMs with trap-tlbi = "precise" and "safe",

    tlbi trapped: precise X ticks/op, safe Y ticks/op, untrapped Z

Figures, not pass/fail: exits 1 only when a run gave no figures.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemu import Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
MOAT = os.path.join(BUILD, "moat.bin")
BIN = os.path.join(BUILD, "guests", "bench.bin")
BUNDLE = os.path.join(BUILD, "guests", "bench.bundle")
LOGS = os.path.join(BUILD, "bench-logs")
TIMEOUT = 180
OPS = ["hypercall", "nop hypercall", "mmio read", "sysreg read", "pmu read", "tlbi"]
# The same guest in VMs whose TLBIs trap (tests/guests/configs/bench_tlbi_MODE.dts).
TLBI_BUNDLE = os.path.join(BUILD, "guests", "bench_tlbi_%s.bundle")
RX = re.compile(r"^(?:moat: [\w.@-]+\| )?(?P<op>[a-z ]+): (?P<x>\d+\.\d+) ticks/op", re.M)


def measure(name, cmd):
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "bench-guest-%s.log" % name)
    r = Run(cmd, log)
    try:
        status = r.wait_exit(TIMEOUT)
    finally:
        r.kill()
    figures = {m.group("op"): float(m.group("x")) for m in RX.finditer(r.out)}
    if not figures or status != 0:
        tail = "\n".join(r.out.strip().splitlines()[-8:])
        print("bench-guests: %s run gave %s (QEMU status %s, log %s)\n%s"
              % (name, "figures" if figures else "no figures", status, log, tail))
    return figures


def main():
    moat = measure("moat", qemu_cmd(MOAT, smp=1, icount=True, extra=("-initrd", BUNDLE)))
    floor = measure("floor", qemu_cmd(BIN, virt=False, icount=True))
    for op in OPS:
        x, y = moat.get(op), floor.get(op)
        if x is None:
            print("%s: n/a (floor %s)" % (op, "n/a" if y is None else "%.2f" % y))
        elif y is None:
            print("%s: %.2f ticks/op (floor n/a)" % (op, x))
        else:
            ratio = "%.1f" % (x / y) if y > 0 else "inf"
            print("%s: %.2f ticks/op (floor %.2f, ratio %s)" % (op, x, y, ratio))
    trapped = {m: measure("tlbi-" + m, qemu_cmd(MOAT, smp=1, icount=True, extra=("-initrd", TLBI_BUNDLE % m)))
               for m in ("precise", "safe")}

    def tlbi(f):
        return "%.2f" % f["tlbi"] if "tlbi" in f else "n/a"
    print("tlbi trapped: precise %s ticks/op, safe %s ticks/op, untrapped %s"
          % (tlbi(trapped["precise"]), tlbi(trapped["safe"]), tlbi(moat)))
    return 0 if moat and floor and all(trapped.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
