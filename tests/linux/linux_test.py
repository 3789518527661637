# SPDX-License-Identifier: MIT
"""`make test-linux`: boot Debian's kernel under moat and use the shell.

Each check prints "ok - linux: ..." / "not ok - linux: ...". Commands are
typed into the guest's console (QEMU's stdin -> physical UART -> moat ->
the VM's emulated PL011); their output is framed by markers so it can be
cut out of the console stream.

Every check a test plans is reported: when a step fails (the VM does not
boot, say), the checks after it are reported as failed ("not reached"), so
the tally counts them. No check depends on how fast the host is: waits are
for console events with generous timeouts, and "timer interrupts advance" is
measured across a sleep the guest itself does on each vCPU.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qemu"))
from qemu import Run, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
MOAT = os.path.join(BUILD, "moat.bin")
LOGS = os.path.join(BUILD, "test-logs")
BOOT_TIMEOUT = 240
results = []
reported = set()


def report(name, ok, why=""):
    results.append(ok)
    reported.add(name)
    print(("ok - " if ok else "not ok - ") + "linux: " + name + ("" if ok or not why else ": " + why),
          flush=True)


def report_missing(plan, why):
    """Fail every check of @plan not reported yet: a step before it failed."""
    for name in plan:
        if name not in reported:
            report(name, False, "not reached (%s)" % why)


def vm_text(out, vm):
    """What VM @vm printed, its fragments joined. With several VMs moat
    prefixes each line "[vm] " and breaks a line when another VM writes in
    the middle of it; joining the fragments (without the breaks) restores
    the VM's own lines for substring searches."""
    return "".join(m.group(1) for m in re.finditer(r"^\[%s\] (.*)$" % re.escape(vm), out, re.M))


def wait_until(r, pred, timeout):
    """Read console output until pred(r.out) holds or @timeout s pass."""
    deadline = time.monotonic() + timeout
    while not pred(r.out):
        left = deadline - time.monotonic()
        if left <= 0 or r.proc.poll() is not None:
            return pred(r.out)
        r.wait_for(r"(?!)", min(left, 0.5))   # reads for up to 0.5 s, matches nothing
    return True


KMSG = re.compile(r"^\[\s*\d+\.\d+\] ")
# dmesg's lines with a problem, each marked: the kernel's own console lines that land
# in the command's output look like dmesg lines but never carry the mark.
DMESG_BAD_CMD = ("dmesg | grep -E 'BUG|WARNING|Oops|rcu_sched self-detected stall|rcu: INFO' | "
                 "head -5 | sed 's/^/dmesg-bad /'; echo dmesg-checked")


def dmesg_bad(out):
    """The marked lines of DMESG_BAD_CMD's output (a console line may precede a mark)."""
    return [l[l.find("dmesg-bad "):] for l in (out or "").splitlines() if "dmesg-bad " in l]


class Shell:
    def __init__(self, run, prompt=r"moat-guest# "):
        self.r = run
        self.prompt = prompt
        self.n = 0

    def cmd(self, command, timeout=60, value=False):
        """Run command in the guest shell; return its output (or None on timeout).

        value: the output is a value to compare, so the kernel's own console
        lines ("[    4.696675] ...") that landed between the command's are
        dropped (never for dmesg output, whose lines look the same)."""
        self.n += 1
        tag = "MOAT%d" % self.n
        start = len(self.r.out)
        # The end marker is built by the shell, so the echoed command line cannot match it.
        line = "echo %s_B; %s; echo %s_E$((1+1))\r" % (tag, command, tag)
        for ch in line:   # slowly: the guest's UART FIFO is 16 bytes
            self.r.send(ch)
            time.sleep(0.002)
        m = self.r.wait_for(re.escape(tag) + r"_E2", timeout)
        if not m:
            return None
        text = self.r.out[start:]
        b = text.find(tag + "_B\n")
        if b < 0:
            b = text.find(tag + "_B")
        body = text[b:].split("\n", 1)[1] if b >= 0 else text
        body = body[:body.find(tag + "_E2")]
        if value:
            body = "".join(l for l in body.splitlines(True) if not KMSG.match(l))
        return body


def boot(name, bundle, smp):
    os.makedirs(LOGS, exist_ok=True)
    cmd = qemu_cmd(MOAT, smp=smp, mem="1G", extra=["-initrd", bundle])
    r = Run(cmd, os.path.join(LOGS, name + ".log"), stdin_pipe=True)
    return r


LINUX_PLAN = ["boots to /init", "nproc is 2", "timer interrupts on both CPUs",
              "timer interrupts advance on both CPUs", "CPU-bound job finishes on both vCPUs",
              "dmesg has no BUG, WARNING, Oops or RCU stall",
              "the PMU driver probes (armv8_pmuv3) and has its interrupt",
              "perf_event_open counts the guest's cycles",
              "PMU overflow interrupts reach the guest",
              "Ctrl-\\ s shows irq exits on both vCPUs; Ctrl-\\ z resets the counts",
              "reboot -f restarts the VM from its images", "after the reboot nproc is 2",
              "a kernel panic (panic=-1) is a logged SYSTEM_RESET and the VM boots again",
              "poweroff -f stops QEMU with status 0"]


def test_linux():
    r = boot("linux", os.path.join(BUILD, "linux.bundle"), 2)
    why = "QEMU stopped"
    try:
        m = r.wait_for(r"moat-guest: /init reached on (\d+) CPUs", BOOT_TIMEOUT)
        report("boots to /init", bool(m), "no /init line within %d s" % BOOT_TIMEOUT)
        if not m:
            why = "no boot"
            return
        r.wait_for(r"moat-guest# ", 30)
        sh = Shell(r)
        out = sh.cmd("nproc", value=True)
        report("nproc is 2", out is not None and out.strip() == "2", repr(out))

        # A sleep in the guest on each vCPU: its wake-up is a timer interrupt there.
        t1 = sh.cmd("grep arch_timer /proc/interrupts")
        sh.cmd("for c in 0 1; do taskset -c $c sleep 1 & done; wait", timeout=120)
        t2 = sh.cmd("grep arch_timer /proc/interrupts")

        def counts(t):
            f = (t or "").split()
            return [int(x) for x in f[1:3]] if len(f) >= 3 and f[1].isdigit() and f[2].isdigit() else None
        c1, c2 = counts(t1), counts(t2)
        report("timer interrupts on both CPUs", bool(c1) and all(x > 0 for x in c1),
               "counts %r from %r" % (c1, t1))
        report("timer interrupts advance on both CPUs",
               bool(c1 and c2) and c2[0] > c1[0] and c2[1] > c1[1], "%r then %r" % (c1, c2))

        out = sh.cmd("for c in 0 1; do taskset -c $c sh -c 'i=0; while [ $i -lt 20000 ]; do "
                     "i=$((i+1)); done; echo done'$c & done; wait", timeout=240)
        report("CPU-bound job finishes on both vCPUs",
               out is not None and "done0" in out and "done1" in out, repr(out))

        out = sh.cmd(DMESG_BAD_CMD)
        bad = dmesg_bad(out)
        report("dmesg has no BUG, WARNING, Oops or RCU stall",
               out is not None and "dmesg-checked" in out and not bad, repr(bad or out))

        # The guest's PMU (moat's pmu node, PPI 23): the driver probes with the CPU's counters.
        out = sh.cmd("dmesg | grep 'hw perfevents'; grep -c arm-pmu /proc/interrupts")
        report("the PMU driver probes (armv8_pmuv3) and has its interrupt",
               out is not None and re.search(r"enabled with armv8_pmuv3 PMU driver, \d+ counters", out)
               is not None and re.search(r"^[1-9]\d*$", out, re.M) is not None, repr(out))

        # perf through the guest kernel (tests/linux/perfcount.c, in the initramfs).
        out = sh.cmd("perfcount")
        m = re.search(r"perfcount: cycles (\d+) instructions", out or "")
        report("perf_event_open counts the guest's cycles", bool(m) and int(m.group(1)) > 0, repr(out))

        def pmu_irqs(t):
            f = (t or "").split()
            return sum(int(x) for x in f[1:3] if x.isdigit()) if len(f) >= 3 else None
        p1 = pmu_irqs(sh.cmd("grep arm-pmu /proc/interrupts"))
        out = sh.cmd("perfcount -s")
        p2 = pmu_irqs(sh.cmd("grep arm-pmu /proc/interrupts"))
        report("PMU overflow interrupts reach the guest",
               p1 is not None and p2 is not None and p2 > p1 and "perfcount: cycles" in (out or ""),
               "arm-pmu interrupts %r then %r; %r" % (p1, p2, out))
        # Exit statistics (docs/console.md): the timer's interrupts are irq exits on each vCPU.
        rx_total = re.compile(r"exit stats: VM \S+: (\d+) exits")
        rx_irq = re.compile(r"exit stats: VM \S+: \d+ exits[\s\S]*?\n.*\birq\s+\d+ exits.*"
                            r"vcpu0 (\d+) vcpu1 (\d+)")

        def stats(rx):
            start = len(r.out)
            r.send("\x1cs")
            wait_until(r, lambda out: rx.search(out, start), 10)
            m = rx.search(r.out, start)
            return tuple(int(g) for g in m.groups()) if m else None
        irqs = stats(rx_irq)
        before = stats(rx_total)
        r.send("\x1cz")
        reset = r.wait_for(r"console: exit statistics reset", 10)
        after = stats(rx_total)
        report("Ctrl-\\ s shows irq exits on both vCPUs; Ctrl-\\ z resets the counts",
               bool(irqs and before and after and reset) and irqs[0] > 0 and irqs[1] > 0 and
               after[0] < before[0], "irq %r, exits %r, after reset %r" % (irqs, before, after))

        # PSCI SYSTEM_RESET: moat rebuilds the VM from its images.
        r.send("reboot -f\r")
        m = r.wait_for(r"SYSTEM_RESET: restarting from its images[\s\S]*"
                       r"moat-guest: /init reached on 2 CPUs", BOOT_TIMEOUT)
        report("reboot -f restarts the VM from its images", bool(m), "no second boot")
        why = "no second boot"
        if m:
            r.wait_for(r"SYSTEM_RESET[\s\S]*moat-guest# ", 30)
            sh.n = 1000
            out = sh.cmd("nproc", value=True)
            report("after the reboot nproc is 2", out is not None and out.strip() == "2", repr(out))

            # A panic: configs/linux.dts boots with panic=-1, so Linux resets at once
            # (Debian's kernel has no pvpanic) and moat logs the reset and restarts it.
            start = len(r.out)
            r.send("echo c > /proc/sysrq-trigger\r")
            ok = r.wait_for(r"Kernel panic", 60) and wait_until(
                r, lambda out: re.search(r"^moat: linux: SYSTEM_RESET: restarting from its images$"
                                         r"[\s\S]*moat-guest: /init reached on 2 CPUs",
                                         out[start:], re.M) is not None, BOOT_TIMEOUT)
            report("a kernel panic (panic=-1) is a logged SYSTEM_RESET and the VM boots again",
                   bool(ok), "no reset line or no boot after the panic")
            if ok:
                r.wait_for(r"moat-guest# ", 30)
                time.sleep(0.5)

        r.send("poweroff -f\r")
        st = r.wait_exit(60)
        report("poweroff -f stops QEMU with status 0", st == 0, "status %r" % st)
    finally:
        r.kill()
        report_missing(LINUX_PLAN, why)


TWO_LINUX_PLAN = ["two VMs boot to /init", "VM linux0 answers on its shell, under its own prefix",
                  "VM linux1 answers on its shell, under its own prefix",
                  "both VMs power off and QEMU exits with status 0"]


def test_two_linux():
    r = boot("two-linux", os.path.join(BUILD, "two-linux.bundle"), 2)
    try:
        seen = wait_until(r, lambda out: all("moat-guest: /init reached" in vm_text(out, vm)
                                             for vm in ("linux0", "linux1")), BOOT_TIMEOUT)
        report("two VMs boot to /init", bool(seen), "missing /init line")
        if not seen:
            return
        time.sleep(1)
        ok = []
        for i in (0, 1):
            r.send("\x1c%d" % i)   # console focus to VM i
            r.wait_for(r"console input -> VM %d" % i, 10)
            sh = Shell(r, prompt=r"\[linux%d\] moat-guest# " % i)
            sh.n = 100 * (i + 1)
            start = len(r.out)
            out = sh.cmd("echo hello-from-$(hostname)-$((6*7))")
            # Both VMs would print the same text: the prefix says which one answered.
            text = r.out[start:]
            mine = re.search(r"^\[linux%d\] hello-from-moat-guest-42$" % i, text, re.M)
            other = re.search(r"^\[linux%d\] .*(MOAT%d|hello-from)" % (1 - i, sh.n), text, re.M)
            ok.append(out is not None and bool(mine) and not other)
            report("VM linux%d answers on its shell, under its own prefix" % i, ok[-1],
                   "answer %r; [linux%d] line %r" % (out, 1 - i, other and other.group(0)))
        for i in (0, 1):
            r.send("\x1c%d" % i)
            r.wait_for(r"console input -> VM %d" % i, 10)
            time.sleep(0.2)
            r.send("poweroff -f\r")
            time.sleep(1)
        st = r.wait_exit(60)
        report("both VMs power off and QEMU exits with status 0", st == 0, "status %r" % st)
    finally:
        r.kill()
        report_missing(TWO_LINUX_PLAN, "no boot")


if __name__ == "__main__":
    only = sys.argv[1:]
    for t in (test_linux, test_two_linux):
        if not only or any(o in t.__name__ for o in only):
            t()
    sys.exit(0 if results and all(results) else 1)
