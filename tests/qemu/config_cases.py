# SPDX-License-Identifier: MIT
"""QEMU cases for moat's boot checks: what a user gets for a bad bundle or a
bad boot device tree (one line, then QEMU exits non-zero), passthrough of a
device that can master DMA. (A PSCI "hvc" conduit cannot be tested here:
QEMU rewrites /psci in any tree it is given; tests/unit/test_firmware.c
covers it.)

cases.py adds them with
    from config_cases import config_cases
    CASES = [...] + config_cases(run, report)
where run(name, cmd, expect, timeout, exit_expected, exit_status) boots and
reports one result, and report(name, ok, why) adds one. Run alone: python3 tests/qemu/cases.py NAME (e.g. "fw_cfg").
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from qemu import SEMIHOSTING, qemu_cmd  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
MOAT = os.path.join(BUILD, "moat.bin")
LOGS = os.path.join(BUILD, "test-logs")
GUEST_DIR = os.path.join(BUILD, "guests")


def _dtc(src, out):
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"], input=src,
                   text=True, check=True)
    return out


def _bundle(name, vm_body):
    """A one-VM bundle running the hvc test guest, with vm_body added to the VM node."""
    os.makedirs(LOGS, exist_ok=True)
    src = ('/dts-v1/; / { compatible = "moat,bundle-v1"; vms { %s { vcpus = <1>; '
           'memory = <0x0 0x40000000 0x0 0x1000000>; kernel = /incbin/("%s"); %s }; }; };'
           % (name, os.path.join(GUEST_DIR, "hvc.bin"), vm_body))
    return _dtc(src, os.path.join(LOGS, name + ".bundle"))


def _virt_dts(smp):
    """QEMU virt's own boot tree (as moat gets it), as dts text."""
    os.makedirs(LOGS, exist_ok=True)
    dtb = os.path.join(LOGS, "virt-%dcpu.dtb" % smp)
    dump = qemu_cmd(MOAT, smp=smp)
    dump[dump.index("-M") + 1] += ",dumpdtb=" + dtb
    subprocess.run(dump, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], capture_output=True,
                          text=True, check=True).stdout


def config_cases(run, report):
    def case_passthrough_fw_cfg():
        """fw_cfg can DMA anywhere: passing it through is refused by name, QEMU exits 1."""
        bundle = _bundle("x", "passthrough = <0x0 0x09020000 0x0 0x1000 0>;")
        run("passthrough of fw_cfg (DMA) is refused in one line, exit status 1",
            qemu_cmd(MOAT, smp=1, extra=["-initrd", bundle]),
            [r"^moat: error: config: VM 'x': passthrough 0x09020000 is /fw-cfg@9020000 "
             r"\(qemu,fw-cfg-mmio\): it can master DMA and would reach moat's memory; moat "
             r"passes through only devices that cannot \(arm,pl031, arm,pl061, arm,pl011, "
             r"arm,sbsa-uart\)$", r"no VM started: powering off"],
            timeout=60, exit_expected=True, exit_status=1)

    def case_passthrough_no_device():
        """A range no device node has (the PCIe MMIO window) is refused."""
        bundle = _bundle("y", "passthrough = <0x0 0x10000000 0x0 0x1000 0>;")
        run("passthrough of a range that is no device is refused, exit status 1",
            qemu_cmd(MOAT, smp=1, extra=["-initrd", bundle]),
            [r"^moat: error: config: VM 'y': passthrough \[0x10000000, 0x10001000\) is not a "
             r"device of the boot device tree"], timeout=60, exit_expected=True, exit_status=1)

    def case_no_bundle():
        run("no -initrd: an error naming -initrd, exit status 1", qemu_cmd(MOAT, smp=1),
            [r"^moat: error: no boot bundle, so no VM to run: powering off; pass one to QEMU "
             r"with -initrd build/<config>\.bundle"], timeout=60, exit_expected=True, exit_status=1)

    def case_no_semihosting_option():
        """Without moat.semihosting=on moat never issues the HLT: power-off, status 0."""
        bundle = _bundle("z", "passthrough = <0x0 0x09020000 0x0 0x1000 0>;")
        cmd = qemu_cmd(MOAT, smp=1, extra=["-initrd", bundle])
        i = cmd.index("-append")
        del cmd[i:i + 2]
        i = cmd.index(SEMIHOSTING[0])
        del cmd[i:i + 2]
        run("without moat.semihosting=on an error powers off (status 0)", cmd,
            [r"^moat: error: config: VM 'z': passthrough 0x09020000 is /fw-cfg"],
            timeout=60, exit_expected=True, exit_status=0)

    def case_many_reserved():
        """More reserved ranges than moat has room for: one line, exit status 1."""
        dts = _virt_dts(1)
        rsv = "".join("/memreserve/ 0x%x 0x1000;\n" % (0x7f000000 + i * 0x1000) for i in range(40))
        dtb = _dtc(dts.replace("/dts-v1/;", "/dts-v1/;\n" + rsv, 1),
                   os.path.join(LOGS, "virt-40-reserved.dtb"))
        run("40 reserved ranges in the boot tree stop the boot in one line, exit status 1",
            qemu_cmd(MOAT, smp=1, extra=["-dtb", dtb]),
            [r"^moat: error: cannot use the boot device tree at 0x[0-9a-f]+: device tree: more "
             r"than 32 reserved ranges"], timeout=60, exit_expected=True, exit_status=1)

    def case_mkbundle_names_file():
        """A dts syntax error is reported against the config file, not <stdin>."""
        os.makedirs(LOGS, exist_ok=True)
        dts = os.path.join(LOGS, "syntax-error.dts")
        with open(dts, "w") as f:
            f.write('/dts-v1/;\n/ {\n\tvms { a { vcpus = <1> }; };\n};\n')
        p = subprocess.run(["scripts/mkbundle", dts, os.path.join(LOGS, "syntax-error.bundle"),
                            BUILD, ".cache"], capture_output=True, text=True)
        report("mkbundle names the config file in a dtc error",
               p.returncode != 0 and (dts + ":3.") in p.stderr and "<stdin>" not in p.stderr,
               "status %d, stderr %r" % (p.returncode, p.stderr))

    def case_random_kernel():
        """A kernel of 1 MiB of random bytes (fixed seed) faults at its unset vector: moat
        stops the VM in one line that suggests it is not an arm64 Image, and powers off
        (before, it injected ~230,000 aborts a second for ever)."""
        import random
        os.makedirs(LOGS, exist_ok=True)
        junk = os.path.join(LOGS, "random-kernel.bin")
        with open(junk, "wb") as f:
            f.write(random.Random(1).randbytes(1 << 20))
        src = ('/dts-v1/; / { compatible = "moat,bundle-v1"; vms { junk { vcpus = <1>; '
               'memory = <0x0 0x40000000 0x0 0x4000000>; kernel = /incbin/("%s"); }; }; };' % junk)
        bundle = _dtc(src, os.path.join(LOGS, "random-kernel.bundle"))
        run("a kernel of random bytes is stopped, not retried for ever",
            qemu_cmd(MOAT, smp=1, extra=["-initrd", bundle]),
            [r"^moat: error: junk: vCPU 0 faults at its own exception vector 0x[0-9a-f]+ "
             r"\(VBAR_EL1 0x[0-9a-f]+\) and cannot make progress: VM stopped \(its kernel has no "
             r"arm64 Image header: is it an arm64 Image\?\)$",
             r"^moat: junk: exited with status -2$", r"all VMs have stopped: powering off"],
            exit_expected=True, exit_status=0)

    def case_on_reset_stop():
        """on-reset = "stop": the guest's SYSTEM_RESET (attack_hvc starts with a reset storm)
        stops the VM, logged; the other VM runs on to its end."""
        src = ('/dts-v1/; / { compatible = "moat,bundle-v1"; vms { '
               'hvc { vcpus = <2>; cpus = <0 1>; memory = <0x0 0x40000000 0x0 0x1000000>; '
               'kernel = /incbin/("%s"); test-device; on-reset = "stop"; }; '
               'other { vcpus = <1>; cpus = <2>; memory = <0x0 0x40000000 0x0 0x1000000>; '
               'kernel = /incbin/("%s"); test-device; }; }; };'
               % (os.path.join(GUEST_DIR, "attack_hvc.bin"), os.path.join(GUEST_DIR, "hvc.bin")))
        bundle = _dtc(src, os.path.join(LOGS, "on-reset-stop.bundle"))
        r = run("on-reset = \"stop\": a guest's SYSTEM_RESET stops it, logged, the other VM runs on",
                qemu_cmd(MOAT, smp=3, extra=["-initrd", bundle]),
                [r"^moat: hvc: SYSTEM_RESET: stopping the VM \(on-reset = \"stop\"\)$",
                 r"^moat: hvc: exited with status 0$", r"^moat: other: exited with status 0$",
                 r"all VMs have stopped: powering off"], exit_expected=True, exit_status=0)
        restarts = r.out.count("SYSTEM_RESET: restarting")
        report("on-reset = \"stop\": the VM was never restarted", restarts == 0,
               "%d restarts" % restarts)

    return [case_on_reset_stop, case_mkbundle_names_file, case_passthrough_fw_cfg, case_passthrough_no_device, case_no_bundle,
            case_no_semihosting_option, case_many_reserved, case_random_kernel]
