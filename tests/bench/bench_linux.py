# SPDX-License-Identifier: MIT
"""`make bench-linux`: Linux boot to its shell, under moat and directly.

Both runs use the same kernel (Debian's, from the setup cache), the same
initramfs, 2 vCPUs and 512 MiB: under moat via configs/linux.dts, and
directly on QEMU's virt machine at EL1 with the same command line. The
figure is wall-clock seconds from QEMU's start to the line the guest's
/init prints, the best of RUNS runs each (wall time under TCG varies by
10-30 %; see PLATFORM.md). Prints:

    linux boot: moat X s, native Y s, ratio Z
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemu import Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
CACHE = os.environ.get("CACHE", ".cache")
RUNS = int(os.environ.get("RUNS", "2"))
MARK = r"moat-guest: /init reached on 2 CPUs"
BOOTARGS = "console=ttyAMA0 earlycon=pl011,0x09000000 rdinit=/init"
LOGS = os.path.join(BUILD, "bench-logs")


def boot_time(name, cmd):
    os.makedirs(LOGS, exist_ok=True)
    r = Run(cmd, os.path.join(LOGS, name + ".log"))
    try:
        t0 = time.monotonic()
        if not r.wait_for(MARK, 300):
            return None
        return time.monotonic() - t0
    finally:
        r.kill()


def best(name, cmd):
    times = [t for t in (boot_time("%s-%d" % (name, i), cmd) for i in range(RUNS)) if t]
    return min(times) if times else None


def main():
    moat = best("linux-moat", qemu_cmd(os.path.join(BUILD, "moat.bin"), smp=2, mem="1G",
                                        extra=["-initrd", os.path.join(BUILD, "linux.bundle")]))
    direct = [os.path.join(CACHE, "guest", "Image")]
    initrd = ["-initrd", os.path.join(BUILD, "initramfs.cpio.gz")]
    # Same hardware description as the VM gets (moat's generated DTB) ...
    native = best("linux-native", qemu_cmd(direct[0], smp=2, mem="512M", virt=False, append=BOOTARGS,
                                            extra=initrd + ["-dtb", os.path.join(BUILD, "bench",
                                                                                 "guest-linux.dtb")]))
    # ... and QEMU's own, which also makes the kernel probe PCIe, virtio, fw_cfg, the RTC.
    qemu_dt = best("linux-native-qemu-dtb", qemu_cmd(direct[0], smp=2, mem="512M", virt=False,
                                                      append=BOOTARGS, extra=initrd))
    if not moat or not native:
        print("linux boot: no figure (moat %r, native %r); see %s" % (moat, native, LOGS))
        return 1
    print("linux boot: moat %.2f s, native %.2f s, ratio %.2f" % (moat, native, moat / native))
    if qemu_dt:
        print("linux boot (native with QEMU's own device tree): %.2f s" % qemu_dt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
