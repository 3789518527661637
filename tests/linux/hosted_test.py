# SPDX-License-Identifier: MIT
"""VMs created from the host (docs/hosted.md): moat.ko and /dev/moat.

hosted_selftest runs host/tools/moat-selftest in a host shell (issue 11,
tests 5 and 6) and reports each of its checks; the boot is host_test.py's
(configs/host.dts). Same conventions as linux_test.py: every planned check
is reported, waits are for console output with generous timeouts.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import linux_test as lt  # noqa: E402
from linux_test import Shell, report, report_missing  # noqa: E402
from qemu import Run, qemu_cmd  # noqa: E402

HOSTED_PLAN = ["hosted: moat.ko loads and /dev/moat exists",
               "hosted: moat-selftest bad: every ioctl's bad input gets its errno, the witness VM runs on",
               "hosted: moat-selftest waits: a WFI vCPU wakes at its timer and for an SPI, an off one by the doorbell",
               "hosted: moat-selftest cycles: 20 VMs created, run and destroyed; moat's counters back, check passes",
               "hosted: moat logs no error during the self-test",
               "hosted: the host's dmesg has no BUG, WARNING or Oops after the self-test",
               "hosted: the host keeps running"]


def selftest_run(sh, r, what, timeout):
    """Run `moat-selftest WHAT`: report each of its checks; True when it exited 0 with 0 not ok."""
    out = sh.cmd("moat-selftest %s; echo selftest-rc=$?" % what, timeout=timeout)
    if out is None:
        return False, "no end within %d s" % timeout
    # "ok - NAME" or "not ok - NAME: why"
    for m in re.finditer(r"^moat-selftest: (ok|not ok) - (.*?)(?:: (.*))?$", out, re.M):
        report("hosted: selftest: " + m.group(2), m.group(1) == "ok", m.group(3) or "")
    tally = re.search(r"^moat-selftest: (\d+) ok, (\d+) not ok$", out, re.M)
    ok = "selftest-rc=0" in out and bool(tally) and tally.group(2) == "0" and int(tally.group(1)) > 0
    return ok, tally.group(0) if tally else "no tally: " + out[-300:]


def hosted_selftest(sh, r):
    """In a booted host shell with moat.ko loaded: moat-selftest's two parts."""
    ready = "moat-guest: /dev/moat ready" in r.out
    why = re.search(r"moat-guest: no /dev/moat.*", r.out)
    report(HOSTED_PLAN[0], ready, why.group(0) if why else "no /dev/moat line")
    if not ready:
        return
    start = len(r.out)
    ok, why = selftest_run(sh, r, "bad", 300)
    report(HOSTED_PLAN[1], ok, why)
    ok, why = selftest_run(sh, r, "waits", 600)
    report(HOSTED_PLAN[2], ok, why)
    ok, why = selftest_run(sh, r, "cycles 20", 600)
    report(HOSTED_PLAN[3], ok, why)
    # moat's own lines while the tests ran: refusals are the host's fault, not errors.
    errs = re.findall(r"^moat: .*\b(?:error|panic|BUG|ownership check failed)\b.*$", r.out[start:], re.M)
    report(HOSTED_PLAN[4], not errs, repr(errs[:3]))
    out = sh.cmd("dmesg | grep -E 'BUG|WARNING|Oops|rcu_sched self-detected stall|rcu: INFO' | head -5; "
                 "echo dmesg-checked")
    bad = (out or "").replace("dmesg-checked", "").strip()
    report(HOSTED_PLAN[5], out is not None and not bad, repr(bad))
    out = sh.cmd("echo alive-$((6*7))")
    report(HOSTED_PLAN[6], out is not None and "alive-42" in out, repr(out))


def test_hosted():
    os.makedirs(lt.LOGS, exist_ok=True)
    cmd = qemu_cmd(lt.MOAT, smp=2, mem="1G", extra=["-initrd", os.path.join(lt.BUILD, "host.bundle")])
    r = Run(cmd, os.path.join(lt.LOGS, "hosted.log"), stdin_pipe=True)
    try:
        m = r.wait_for(r"moat-guest: /init reached on (\d+) CPUs", lt.BOOT_TIMEOUT)
        if not m:
            return
        r.wait_for(r"moat-guest# ", 30)
        hosted_selftest(Shell(r), r)
    finally:
        r.kill()
        report_missing(HOSTED_PLAN, "no boot")


if __name__ == "__main__":
    test_hosted()
    sys.exit(0 if lt.results and all(lt.results) else 1)
