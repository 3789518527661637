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
figures are measured), and "vtimer spin|wfi: min A mean B max C ticks" for
the virtual timer's interrupt latency (CNTV_CVAL deadline to the first
instruction of the guest's handler, 100 events x 5 repetitions). This
prints one line per operation, with issue 14's figures beside moat's:

    hypercall: X ticks/op (floor Y, KVM VHE 62.2 / nVHE 91.9, target <= 8)
    vtimer latency: spin X ticks, wfi Y ticks (floor .. / .., KVM VHE 153.4 / 146.6, ...)

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
# moat built without exit statistics (tests/bench/guests.mk): what counting costs.
MOAT_NOSTATS = os.path.join(BUILD, "nostats", "moat.bin")
# Operations whose every iteration is one exit: taken by a fast path in C
# (exit.c: counted, untimed), and handled by the run loop (counted and
# timed). The assembly fast paths (hypercall, sysreg read) count the same in
# both builds.
FAST_EXIT_OPS = ["mmio read", "gicd read", "pl011 write"]
LOOP_EXIT_OPS = ["pmu read"]
BIN = os.path.join(BUILD, "guests", "bench.bin")
BUNDLE = os.path.join(BUILD, "guests", "bench.bundle")
LOGS = os.path.join(BUILD, "bench-logs")
TIMEOUT = 180
OPS = ["hypercall", "nop hypercall", "mmio read", "sysreg read", "gicd read", "pl011 write", "pmu read", "tlbi"]
# What to compare with (../shared/PLATFORM.md "Measuring", issue 14): KVM
# on this QEMU (VHE, nVHE) and the target, in ticks; None = no figure.
REF = {
    "hypercall": (62.2, 91.9, 8),
    "nop hypercall": (None, None, 8),
    "sysreg read": (88.9, 118.6, 8),
    "gicd read": (113.3, 141.5, 12),
    "mmio read": (None, None, 12),
    "pl011 write": (None, None, 12),
}
VTIMER_REF = {"spin": (153.4, 179.7), "wfi": (146.6, 160.8)}
VTIMER_TARGET = 40
VT_RX = re.compile(r"^(?:moat: [\w.@-]+\| )?vtimer (?P<mode>spin|wfi): min (?P<min>\d+) "
                   r"mean (?P<mean>\d+\.\d+) max (?P<max>\d+) ticks", re.M)
HOSTED_BUNDLE = os.path.join(BUILD, "guests", "bench_hosted.bundle")
# The same guest in VMs whose TLBIs trap (tests/guests/configs/bench_tlbi_MODE.dts).
TLBI_BUNDLE = os.path.join(BUILD, "guests", "bench_tlbi_%s.bundle")
RX = re.compile(r"^(?:moat: [\w.@-]+\| )?(?P<op>[a-z0-9 ]+): (?P<x>\d+\.\d+) ticks/op", re.M)


def measure(name, cmd):
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "bench-guest-%s.log" % name)
    r = Run(cmd, log)
    try:
        status = r.wait_exit(TIMEOUT)
    finally:
        r.kill()
    figures = {m.group("op"): float(m.group("x")) for m in RX.finditer(r.out)}
    for m in VT_RX.finditer(r.out):
        figures["vtimer " + m.group("mode")] = (int(m.group("min")), float(m.group("mean")),
                                                int(m.group("max")))
    if not figures or status != 0:
        tail = "\n".join(r.out.strip().splitlines()[-8:])
        print("bench-guests: %s run gave %s (QEMU status %s, log %s)\n%s"
              % (name, "figures" if figures else "no figures", status, log, tail))
    return figures


def main():
    moat = measure("moat", qemu_cmd(MOAT, smp=1, icount=True, extra=("-initrd", BUNDLE)))
    floor = measure("floor", qemu_cmd(BIN, virt=False, icount=True))
    def fig(f):
        return "n/a" if f is None else "%.2f" % f

    def ref(vhe, nvhe):
        return "" if vhe is None else ", KVM VHE %.1f / nVHE %.1f" % (vhe, nvhe)

    for op in OPS:
        x, y = moat.get(op), floor.get(op)
        vhe, nvhe, target = REF.get(op, (None, None, None))
        print("%s: %s ticks/op (floor %s%s%s)" % (op, fig(x), fig(y), ref(vhe, nvhe),
                                                 "" if target is None else ", target <= %d" % target))

    def vt(f, mode, i):
        v = f.get("vtimer " + mode)
        return "n/a" if v is None else ("%.2f" % v[i] if i == 1 else "%d" % v[i])
    print("vtimer latency: spin %s ticks, wfi %s ticks (floor %s / %s, KVM VHE %.1f / %.1f, "
          "nVHE %.1f / %.1f, target <= %d)"
          % (vt(moat, "spin", 1), vt(moat, "wfi", 1), vt(floor, "spin", 1), vt(floor, "wfi", 1),
             VTIMER_REF["spin"][0], VTIMER_REF["wfi"][0], VTIMER_REF["spin"][1],
             VTIMER_REF["wfi"][1], VTIMER_TARGET))
    print("vtimer latency min/mean/max: spin %s/%s/%s, wfi %s/%s/%s ticks"
          % tuple(vt(moat, m, i) for m in ("spin", "wfi") for i in range(3)))
    nostats = measure("moat-nostats", qemu_cmd(MOAT_NOSTATS, smp=1, icount=True, extra=("-initrd", BUNDLE)))
    def cost(ops):
        deltas = [moat[op] - nostats[op] for op in ops if op in moat and op in nostats]
        if not deltas:
            return "n/a"
        return "%.2f (%s: %s with, %s without)" % (
            sum(deltas) / len(deltas), ", ".join(ops), " / ".join(fig(moat.get(op)) for op in ops),
            " / ".join(fig(nostats.get(op)) for op in ops))
    print("exit stats cost, ticks per exit: fast paths %s; run loop %s; target < 0.5"
          % (cost(FAST_EXIT_OPS), cost(LOOP_EXIT_OPS)))
    trapped = {m: measure("tlbi-" + m, qemu_cmd(MOAT, smp=1, icount=True, extra=("-initrd", TLBI_BUNDLE % m)))
               for m in ("precise", "safe")}

    def tlbi(f):
        return "%.2f" % f["tlbi"] if "tlbi" in f else "n/a"
    print("tlbi trapped: precise %s ticks/op, safe %s ticks/op, untrapped %s"
          % (tlbi(trapped["precise"]), tlbi(trapped["safe"]), tlbi(moat)))
    # A bare-metal host that creates a VM (tests/guests/bench_hosted.c):
    # host calls from a hosted VM, and VCPU_RUN round trips (a vCPU switch
    # each way) with the VM's debug state untouched and live.
    hosted = measure("hosted", qemu_cmd(MOAT, smp=1, icount=True, extra=("-initrd", HOSTED_BUNDLE)))
    print("hosted hypercall: %s ticks/op (KVM nVHE 91.9, target <= 15)" % fig(hosted.get("hosted hypercall")))
    print("vcpu switch (VCPU_RUN round trip to an MMIO exit): clean debug %s ticks, dirty debug %s ticks"
          % (fig(hosted.get("vcpu switch clean debug")), fig(hosted.get("vcpu switch dirty debug"))))
    return 0 if moat and floor and nostats and all(trapped.values()) and hosted else 1


if __name__ == "__main__":
    sys.exit(main())
