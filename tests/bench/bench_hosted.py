# SPDX-License-Identifier: MIT
"""`make bench-hosted`: figures for VMs the host creates (docs/hosted.md).

The host (configs/host.dts, 2 CPUs, 1 GiB) boots under moat twice; every
command is typed into its shell, as in tests/linux/hosted_test.py. The
hosted guest is that test's (Debian's kernel, tests/linux/hosted-guest-init
as /init, 2 vCPUs); moat.bench=N on its command line makes /init take the
figures and power off at once.

1. Under -icount shift=0,sleep=off (one tick of the 62.5 MHz counter = 16
   instructions; idle time warps, so the figures repeat on any machine):
   - the guest's tests/linux/mmiobench.c reads UARTPeriphID0 of the PL011
     that moat-vmm emulates N times (each read: exit to moat, back to the
     host's moat.ko, out of MOAT_RUN to moat-vmm, and the same way in), then
     GICD_TYPER of moat's vGIC N times (answered at EL2): ticks per read;
   - boot: the host's counter just before moat-vmm starts and the guest's
     at its /init (every VM's CNTVOFF is 0: both count from QEMU's start);
   - `moat-selftest time`: create, add 256 MiB, destroy, in virtual ms.
2. Without icount: the wall seconds from starting moat-vmm to the guest's
   /init line, best of RUNS, and `moat-selftest time` in wall ms (TCG speed).

Prints:

    hosted exit to VMM: X ticks/op (KVM 379.8, target <= 120); moat's vGIC: Y ticks/op
    hosted boot: X s (best of 2, wall); A M ticks (icount)
    hosted create+destroy 256 MiB: X ms (shared), Y ms (protected), best of 3, wall; icount: A ms, B ms
Figures, not pass/fail: exits 1 only when none could be taken.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "linux"))
from qemu import Run, qemu_cmd  # noqa: E402
from linux_test import Shell  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
RUNS = int(os.environ.get("RUNS", "2"))
READS = int(os.environ.get("READS", "10000"))
LOGS = os.path.join(BUILD, "bench-logs")
HOST_MARK = r"moat-guest: /init reached on 2 CPUs"
GUEST_MARK = r"hosted-guest: /init reached on 2 CPUs"
VMM = ("moat-vmm --kernel /guest/Image --initrd /guest/initrd.cpio.gz --mem 160M --cpus 2 "
       "--append 'console=ttyAMA0 rdinit=/init panic=-1 iomem=relaxed moat.bench=%d' </dev/null")
GUEST_TIMEOUT = 600
MMIO = r"mmiobench: (0x[0-9a-f]+) = (0x[0-9a-f]+): (\d+) reads, (\d+) ticks"
TIME = r"moat-selftest: time 256 MiB (shared|protected): best of \d+: ([\d.]+) ms"


def boot_host(name, icount):
    os.makedirs(LOGS, exist_ok=True)
    cmd = qemu_cmd(os.path.join(BUILD, "moat.bin"), smp=2, mem="1G", icount=icount,
                   extra=["-initrd", os.path.join(BUILD, "host.bundle")])
    r = Run(cmd, os.path.join(LOGS, name + ".log"), stdin_pipe=True)
    if not r.wait_for(HOST_MARK, 600) or not r.wait_for(r"moat-guest# ", 60):
        r.kill()
        return None, None
    if "moat-guest: /dev/moat ready" not in r.out:
        print("hosted: the host has no /dev/moat; see %s" % r.log.name if r.log else name)
        r.kill()
        return None, None
    return r, Shell(r)


def timed(sh, command, mark, timeout):
    """Type command into the host's shell; return (seconds from its Enter to the
    first line matching mark or None, its output or None when it did not end)."""
    r = sh.r
    sh.n += 1
    tag = "MOATB%d" % sh.n
    start = len(r.out)
    for ch in "echo %s_B; %s; echo %s_E$((1+1))\r" % (tag, command, tag):
        r.send(ch)
        time.sleep(0.002)
    t0 = time.monotonic()
    seen = None
    rx = re.compile(mark, re.M)
    while time.monotonic() - t0 < timeout:
        seg = r.out[start:]
        if seen is None and rx.search(seg):
            seen = time.monotonic() - t0
        if tag + "_E2" in seg:
            return seen, seg
        if r.proc.poll() is not None:
            break
        r._read(0.05)
    return seen, None


def icount_run(fig):
    r, sh = boot_host("hosted-icount", True)
    if not r:
        return
    try:
        _, out = timed(sh, "echo hosted-bench-start $(cntvct); " + VMM % READS, r"(?!)", GUEST_TIMEOUT)
        out = out or r.out
        start = re.search(r"^hosted-bench-start (\d+)", out, re.M)
        at_init = re.search(r"hosted-guest: counter at /init (\d+)", out)
        if start and at_init:
            fig["boot_ticks"] = int(at_init.group(1)) - int(start.group(1))
        for addr, val, n, ticks in re.findall(MMIO, out):
            fig["mmio", int(addr, 16)] = (int(ticks) / int(n), val)
        out = sh.cmd("moat-selftest time 3", 600) or ""
        fig["time_icount"] = dict(re.findall(TIME, out))
    finally:
        r.kill()


def wall_run(fig):
    r, sh = boot_host("hosted-wall", False)
    if not r:
        return
    try:
        boots = []
        for _ in range(RUNS):
            t, out = timed(sh, VMM % 0, GUEST_MARK, GUEST_TIMEOUT)
            if t is not None:
                boots.append(t)
            if out is None:
                break
        if boots:
            fig["boot_s"] = min(boots)
        out = sh.cmd("moat-selftest time 3", 600) or ""
        fig["time_wall"] = dict(re.findall(TIME, out))
    finally:
        r.kill()


def main():
    fig = {}
    icount_run(fig)
    wall_run(fig)
    printed = 0
    uart, gicd = fig.get(("mmio", 0x09000fe0)), fig.get(("mmio", 0x08000004))
    if uart:
        # PL011's UARTPeriphID0 is 0x11: a read the VMM did not answer gives 0.
        print("hosted exit to VMM: %.1f ticks/op (KVM 379.8, target <= 120); moat's vGIC (GICD_TYPER): %s"
              "%s" % (uart[0], "%.1f ticks/op" % gicd[0] if gicd else "no figure",
                      "" if uart[1] == "0x11" else "; UARTPeriphID0 read %s, not 0x11!" % uart[1]))
        printed += 1
    else:
        print("hosted exit to VMM: no figure; see %s/hosted-icount.log" % LOGS)
    if "boot_s" in fig or "boot_ticks" in fig:
        print("hosted boot: %s (best of %d, wall, moat-vmm start to /init, 2 vCPUs); %s" % (
            "%.2f s" % fig["boot_s"] if "boot_s" in fig else "no wall figure", RUNS,
            "%.1f M ticks (icount)" % (fig["boot_ticks"] / 1e6) if "boot_ticks" in fig else "no icount figure"))
        printed += 1
    else:
        print("hosted boot: no figure; see %s/hosted-*.log" % LOGS)
    tw, ti = fig.get("time_wall") or {}, fig.get("time_icount") or {}
    if tw or ti:
        ms = lambda d, k: "%.1f ms" % float(d[k]) if k in d else "-"
        print("hosted create+destroy 256 MiB: %s (shared), %s (protected), best of 3, wall; "
              "icount: %s, %s" % (ms(tw, "shared"), ms(tw, "protected"), ms(ti, "shared"), ms(ti, "protected")))
        printed += 1
    else:
        print("hosted create+destroy 256 MiB: no figure; see %s/hosted-*.log" % LOGS)
    return 0 if printed else 1


if __name__ == "__main__":
    sys.exit(main())
