# SPDX-License-Identifier: MIT
"""`make bench-linux`: Linux boot to its /init, under moat and directly.

Both runs use the same kernel (Debian's, from the setup cache), the same
initramfs, the same command line, 2 vCPUs and 512 MiB: under moat via
configs/linux.dts, natively on QEMU's virt machine at EL1 with moat's own
generated device tree for that VM, and with only the CPU features the VM
gets under moat (pauth=off: moat hides pointer authentication, and QEMU's
emulation of it alone makes a native boot about twice as slow).

Two figures:
- wall-clock seconds from QEMU's start to the line /init prints, the best
  of RUNS runs each (TCG wall time varies 10-30 % with the machine's load);
- deterministically, under -icount shift=0,sleep=off, the virtual counter
  /init reads (tests/linux/cntvct.c; 62.5 MHz, one tick = 16 instructions
  executed, or idle time warped over): the same on any machine.
Under moat, the exit statistics at /init (Ctrl-\\ s) show where the exits
went. Prints:

    linux boot: moat X s, native Y s, ratio Z
    linux boot (icount): moat A ticks, native B ticks, ratio C
    linux boot exits: N exits, top: reason count, ...
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemu import Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
CACHE = os.environ.get("CACHE", ".cache")
RUNS = int(os.environ.get("RUNS", "2"))
MARK = r"moat-guest: /init reached on 2 CPUs"
COUNTER = r"moat-guest: counter at /init (\d+)"
BOOTARGS = "console=ttyAMA0 earlycon=pl011,0x09000000 rdinit=/init"
LOGS = os.path.join(BUILD, "bench-logs")
STATS_HEAD = r"exit stats: VM linux: (\d+) exits"
STATS_ROW = r"moat:   (\S+)\s+(\d+) exits"


def boot(name, cmd, stats=None):
    """Seconds to /init and the counter /init read; with stats, the exit table."""
    os.makedirs(LOGS, exist_ok=True)
    r = Run(cmd, os.path.join(LOGS, name + ".log"), stdin_pipe=stats is not None)
    try:
        t0 = time.monotonic()
        if not r.wait_for(MARK, 600):
            return None, None
        t = time.monotonic() - t0
        m = re.search(COUNTER, r.out)
        if stats is not None:
            start = len(r.out)
            r.send("\x1cs")
            deadline = time.monotonic() + 30
            while not re.search(r"moat: exit stats: .*\n(?:moat:   .*\n)+(?!moat:   )", r.out[start:]) \
                    and time.monotonic() < deadline:
                r.wait_for(r"(?!)", 0.5)
            head = re.search(STATS_HEAD, r.out[start:])
            if head:
                stats.append(int(head.group(1)))
                rows = re.findall(STATS_ROW, r.out[start:])
                stats.extend(sorted(((k, int(n)) for k, n in rows), key=lambda kv: -kv[1]))
        return t, int(m.group(1)) if m else None
    finally:
        r.kill()


def main():
    moat_cmd = lambda icount: qemu_cmd(os.path.join(BUILD, "moat.bin"), smp=2, mem="1G", icount=icount,
                                       extra=["-initrd", os.path.join(BUILD, "linux.bundle")])
    native_cmd = lambda icount: [c if c != "max" else "max,pauth=off" for c in qemu_cmd(
        os.path.join(CACHE, "guest", "Image"), smp=2, mem="512M", virt=False, append=BOOTARGS,
        icount=icount, extra=["-initrd", os.path.join(BUILD, "initramfs.cpio.gz"),
                              "-dtb", os.path.join(BUILD, "bench", "guest-linux.dtb")])]
    moat = [t for t, _ in (boot("linux-moat-%d" % i, moat_cmd(False)) for i in range(RUNS)) if t]
    native = [t for t, _ in (boot("linux-native-%d" % i, native_cmd(False)) for i in range(RUNS)) if t]
    if not moat or not native:
        print("linux boot: no figure (moat %r, native %r); see %s" % (moat, native, LOGS))
        return 1
    print("linux boot: moat %.2f s, native %.2f s, ratio %.2f (native: -cpu max,pauth=off)"
          % (min(moat), min(native), min(moat) / min(native)))
    stats = []
    _, moat_ticks = boot("linux-moat-icount", moat_cmd(True), stats)
    _, native_ticks = boot("linux-native-icount", native_cmd(True))
    if moat_ticks and native_ticks:
        print("linux boot (icount): moat %d ticks, native %d ticks, ratio %.2f (1 tick = 16 instructions)"
              % (moat_ticks, native_ticks, moat_ticks / native_ticks))
    else:
        print("linux boot (icount): no figure (moat %r, native %r); see %s" % (moat_ticks, native_ticks, LOGS))
    if stats:
        print("linux boot exits: %d exits to /init, top: %s" % (
            stats[0], ", ".join("%s %d" % kv for kv in stats[1:6])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
