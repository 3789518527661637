# SPDX-License-Identifier: MIT
"""`make bench-host`: the host (configs/host.dts) boot to /init, under moat and on bare QEMU.

Under moat: configs/host.dts on 2 CPUs and 1 GiB. Natively: the same
kernel, initramfs and command line on QEMU's virt machine at EL1 with
QEMU's own device tree (the host's tree is that tree filtered), on a CPU
with only the features the host sees under moat: pauth=off, because moat
hides pointer authentication from its VMs and QEMU's emulation of it
alone makes a native boot about 4x slower. Wall-clock seconds from QEMU's
start to /init's line, best of RUNS (TCG wall time varies with the load
on the machine).
Then, under moat, Ctrl-\\ c makes moat print the host stage-2's counts.
Then, deterministically, the same two boots under -icount
shift=0,sleep=off: the virtual counter /init reads (tests/linux/cntvct.c;
one tick = 16 instructions executed, or idle time warped over). Prints:

    host boot: moat X s, native Y s, ratio Z
    host boot (icount): moat A ticks, native B ticks, ratio C
    host stage-2: F faults during boot; mappings 1G/2M/4K = a/b/c
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemu import QEMU, Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
CACHE = os.environ.get("CACHE", ".cache")
RUNS = int(os.environ.get("RUNS", "2"))
MARK = r"moat-guest: /init reached on 2 CPUs"
BOOTARGS = "console=ttyAMA0 earlycon=pl011,0x09000000 rdinit=/init iomem=relaxed"
LOGS = os.path.join(BUILD, "bench-logs")
COUNTER = r"moat-guest: counter at /init (\d+)"
FIGURES = r"host stage-2: (\d+) faults, mappings 1G/2M/4K = (\d+)/(\d+)/(\d+)"


def boot_time(name, cmd, figures):
    os.makedirs(LOGS, exist_ok=True)
    r = Run(cmd, os.path.join(LOGS, name + ".log"), stdin_pipe=figures is not None)
    try:
        t0 = time.monotonic()
        if not r.wait_for(MARK, 300):
            return None
        t = time.monotonic() - t0
        if figures is not None:
            r.wait_for(r"moat-guest# ", 30)
            start = len(r.out)
            r.send("\x1cc")
            deadline = time.monotonic() + 30
            while not re.search(FIGURES, r.out[start:]) and time.monotonic() < deadline:
                r.wait_for(r"(?!)", 0.5)
            m = re.search(FIGURES, r.out[start:])
            if m:
                figures.append(m.groups())
        return t
    finally:
        r.kill()


def main():
    figures = []
    moat_cmd = qemu_cmd(os.path.join(BUILD, "moat.bin"), smp=2, mem="1G",
                        extra=["-initrd", os.path.join(BUILD, "host.bundle")])
    native_cmd = [QEMU, "-M", "virt,gic-version=3", "-cpu", "max,pauth=off", "-smp", "2", "-m", "1G",
                  "-nographic", "-no-reboot", "-kernel", os.path.join(CACHE, "guest", "Image"),
                  "-initrd", os.path.join(BUILD, "host-initramfs.cpio.gz"), "-append", BOOTARGS]
    moat = [t for t in (boot_time("host-moat-%d" % i, moat_cmd, figures) for i in range(RUNS)) if t]
    native = [t for t in (boot_time("host-native-%d" % i, native_cmd, None) for i in range(RUNS)) if t]
    if not moat or not native:
        print("host boot: no figure (moat %r, native %r); see %s" % (moat, native, LOGS))
        return 1
    print("host boot: moat %.2f s, native %.2f s, ratio %.2f" % (min(moat), min(native),
                                                               min(moat) / min(native)))
    ticks = {}
    for name, cmd in (("moat", moat_cmd), ("native", native_cmd)):
        r = Run(cmd + ["-icount", "shift=0,sleep=off"], os.path.join(LOGS, "host-%s-icount.log" % name))
        try:
            m = r.wait_for(COUNTER, 600)
            ticks[name] = int(m.group(1)) if m else None
        finally:
            r.kill()
    if ticks.get("moat") and ticks.get("native"):
        print("host boot (icount): moat %d ticks, native %d ticks, ratio %.2f"
              % (ticks["moat"], ticks["native"], ticks["moat"] / ticks["native"]))
    else:
        print("host boot (icount): no figure (%r); see %s" % (ticks, LOGS))
    if figures:
        f, g, m, p = figures[0]
        print("host stage-2: %s faults during boot; mappings 1G/2M/4K = %s/%s/%s" % (f, g, m, p))
    return 0


if __name__ == "__main__":
    sys.exit(main())
