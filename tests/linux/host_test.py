# SPDX-License-Identifier: MIT
"""`make test-host`: Debian's Linux as moat's host (configs/host.dts).

The host owns the machine behind an identity stage-2 filled on demand
(docs/host-mode.md). Checks: it boots on 2 vCPUs to /init with both CPUs
in /proc/cpuinfo and a clean dmesg; reading moat's memory through /dev/mem
(the host boots with iomem=relaxed) is a bus error in the host, moat logs
the attempt, and the host keeps running. Same conventions as
linux_test.py: every planned check is reported, waits are for console
events with generous timeouts.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import linux_test as lt  # noqa: E402
from linux_test import Shell, boot, report, report_missing, vm_text, wait_until  # noqa: E402
from qemu import Run, qemu_cmd  # noqa: E402

HOST_PLAN = ["host boots to /init on 2 CPUs", "host: /init mounted the virtio disk",
             "host: nproc is 2",
             "host: /proc/cpuinfo shows both CPUs",
             "host: dmesg has no BUG, WARNING, Oops or RCU stall",
             "host: moat's ownership check passed at boot",
             "host: reading moat's memory through /dev/mem is a bus error",
             "host: moat logs the refused read",
             "host: the host keeps running after the bus error",
             "host: udhcpc -i eth0 gets a lease from QEMU's user network",
             "host: a file written and synced to the disk is there after reboot -f",
             "host: the stage-2 maps mostly blocks"]


def moat_page(out):
    """A page of RAM the host does not own: the RAM below its first run."""
    runs = [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"moat: host: RAM \[0x([0-9a-f]+), 0x([0-9a-f]+)\)", out)]
    if not runs or runs[0][0] <= 0x40000000:
        return None
    return 0x40000000


def host_devices(disk):
    """A fresh ext4 disk (what make builds for make run) and a NIC on QEMU's user network."""
    subprocess.run(["mkfs.ext4", "-q", "-F", "-O", "^metadata_csum", disk, "64M"], check=True)
    return ["-drive", "file=%s,if=none,format=raw,id=hd0" % disk,
            "-device", "virtio-blk-device,drive=hd0",
            "-netdev", "user,id=net0", "-device", "virtio-net-device,netdev=net0"]


def test_host():
    os.makedirs(lt.LOGS, exist_ok=True)
    extra = host_devices(os.path.join(lt.LOGS, "host-disk.img"))
    cmd = qemu_cmd(lt.MOAT, smp=2, mem="1G",
                   extra=["-initrd", os.path.join(lt.BUILD, "host.bundle")] + extra)
    r = Run(cmd, os.path.join(lt.LOGS, "host.log"), stdin_pipe=True)
    try:
        m = r.wait_for(r"moat-guest: /init reached on (\d+) CPUs", lt.BOOT_TIMEOUT)
        report("host boots to /init on 2 CPUs", bool(m) and m.group(1) == "2",
               "no /init line within %d s" % lt.BOOT_TIMEOUT if not m else "on %s" % m.group(1))
        if not m:
            return
        report("host: /init mounted the virtio disk", "moat-guest: /dev/vda mounted on /mnt" in r.out,
               "no mount line")
        r.wait_for(r"moat-guest# ", 30)
        sh = Shell(r)
        out = sh.cmd("nproc", value=True)
        report("host: nproc is 2", out is not None and out.strip() == "2", repr(out))
        out = sh.cmd("grep -c ^processor /proc/cpuinfo", value=True)
        report("host: /proc/cpuinfo shows both CPUs", out is not None and out.strip() == "2",
               repr(out))
        out = sh.cmd(lt.DMESG_BAD_CMD)
        bad = lt.dmesg_bad(out)
        report("host: dmesg has no BUG, WARNING, Oops or RCU stall",
               out is not None and "dmesg-checked" in out and not bad, repr(bad or out))
        report("host: moat's ownership check passed at boot",
               "moat: ownership check: every page has one owner" in r.out, "no such line")

        pa = moat_page(r.out)
        start = len(r.out)
        out = sh.cmd("devmem 0x%x 32; echo status=$?" % (pa or 0x40000000))
        report("host: reading moat's memory through /dev/mem is a bus error",
               pa is not None and out is not None and "Bus error" in out
               and "status=0" not in out, repr(out))
        logged = re.search(r"moat: .*host: vCPU \d: read of PA 0x%x at PC 0x[0-9a-f]+: "
                           r"not the host's memory: external abort injected" % (pa or 0),
                           r.out[start:])
        report("host: moat logs the refused read", bool(logged), "no log line")
        out = sh.cmd("echo alive-$((6*7))")
        report("host: the host keeps running after the bus error",
               out is not None and "alive-42" in out, repr(out))

        out = sh.cmd("udhcpc -q -n -i eth0 -s /etc/udhcpc.script -t 3 -T 2 >/dev/null 2>&1; "
                     "echo rc=$?; ip -4 -o addr show eth0", timeout=120)
        report("host: udhcpc -i eth0 gets a lease from QEMU's user network",
               out is not None and "rc=0" in out and "10.0.2.15/24" in out, repr(out))

        token = "moat-disk-%d" % os.getpid()
        sh.cmd("echo %s > /mnt/hello && sync" % token, timeout=120)
        start = len(r.out)
        r.send("reboot -f\r")
        m = wait_until(r, lambda out: "moat-guest# " in out[out.find("/init reached", start):]
                       if "/init reached" in out[start:] else False, lt.BOOT_TIMEOUT)
        out = sh.cmd("cat /mnt/hello") if m else None
        report("host: a file written and synced to the disk is there after reboot -f",
               out is not None and token in out, repr(out))
        r.send("poweroff -f\r")
        r.wait_exit(60)
        # The figures at exit: the last report (every ownership check prints one too).
        figs = list(re.finditer(r"host stage-2: (\d+) faults, mappings 1G/2M/4K = (\d+)/(\d+)/(\d+)", r.out))
        fig = figs[-1] if figs else None
        # Pages only where a 2 MiB block would mix owners or memory types (next to the GIC, say).
        ok = bool(fig) and int(fig.group(4)) < int(fig.group(2)) + int(fig.group(3))
        report("host: the stage-2 maps mostly blocks", ok, fig.group(0) if fig else "no figures")
    finally:
        r.kill()
        report_missing(HOST_PLAN, "no boot")


BESIDE_PLAN = ["host and a static VM boot to /init",
               "host: reading the static VM's memory through /dev/mem is a bus error",
               "host: moat logs the refused read of the VM's memory",
               "the static VM keeps running and says so",
               "Ctrl-\\ c runs the ownership checker: every page has one owner",
               "host and VM power off and QEMU exits with status 0"]


def test_host_beside_vm():
    """configs/host-linux.dts: the host on CPUs 0-1, a Linux VM on CPU 2."""
    r = boot("host-linux", os.path.join(lt.BUILD, "host-linux.bundle"), 3)
    try:
        seen = wait_until(r, lambda out: all("moat-guest: /init reached" in vm_text(out, vm)
                                             for vm in ("host", "linux")), lt.BOOT_TIMEOUT)
        report("host and a static VM boot to /init", bool(seen), "missing /init line")
        if not seen:
            return
        m = re.search(r"moat: host: VM 'linux' owns RAM \[0x([0-9a-f]+), 0x([0-9a-f]+)\)", r.out)
        pa = int(m.group(1), 16) + 0x1000 if m else None
        r.send("\x1c1")   # the host is VM 1 (created after the static VM)
        r.wait_for(r"console input -> VM 1", 10)
        sh = Shell(r, prompt=r"\[host\] moat-guest# ")
        start = len(r.out)
        out = sh.cmd("devmem 0x%x 32; echo status=$?" % (pa or 0))
        report("host: reading the static VM's memory through /dev/mem is a bus error",
               pa is not None and out is not None and "Bus error" in out and "status=0" not in out,
               repr(out))
        logged = re.search(r"moat: .*host: vCPU \d: read of PA 0x%x at PC 0x[0-9a-f]+: "
                           r"not the host's memory: external abort injected" % (pa or 0),
                           r.out[start:])
        report("host: moat logs the refused read of the VM's memory", bool(logged), "no log line")
        r.send("\x1c0")
        r.wait_for(r"console input -> VM 0", 10)
        sh = Shell(r, prompt=r"\[linux\] moat-guest# ")
        sh.n = 100
        start = len(r.out)
        out = sh.cmd("echo still-running-$((6*7))")
        report("the static VM keeps running and says so",
               out is not None and re.search(r"^\[linux\] still-running-42$", r.out[start:], re.M),
               repr(out))
        line = "moat: ownership check: every page has one owner"
        before = r.out.count(line)
        r.send("\x1cc")
        ok = wait_until(r, lambda out: out.count(line) > before, 30)
        report("Ctrl-\\ c runs the ownership checker: every page has one owner", bool(ok),
               "no new checker line")
        for i in (0, 1):
            r.send("\x1c%d" % i)
            r.wait_for(r"console input -> VM %d" % i, 10)
            r.send("poweroff -f\r")
            r.wait_for(r"moat: (host|linux): exited", 30)
        st = r.wait_exit(60)
        report("host and VM power off and QEMU exits with status 0", st == 0, "status %r" % st)
    finally:
        r.kill()
        report_missing(BESIDE_PLAN, "no boot")


if __name__ == "__main__":
    only = sys.argv[1:]
    for t in (test_host, test_host_beside_vm):
        if not only or any(o in t.__name__ for o in only):
            t()
    sys.exit(0 if lt.results and all(lt.results) else 1)
