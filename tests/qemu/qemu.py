# SPDX-License-Identifier: MIT
"""Start QEMU on moat, read its console, and check what it prints.

Used by the test runner (cases.py) and the benchmarks. A run is bounded by a
timeout; QEMU is always killed at the end.
"""
import os
import re
import select
import subprocess
import time

QEMU = "qemu-system-aarch64"
# moat stops on an error with a semihosting exit (status 1) when its bootargs
# say so; QEMU must catch the semihosting call (docs/debugging.md).
SEMIHOSTING = ["-semihosting-config", "enable=on,target=native"]
SEMIHOSTING_ARG = "moat.semihosting=on"


def qemu_cmd(kernel, smp=1, mem="1G", virt=True, extra=(), append=None, icount=False):
    machine = "virt,gic-version=3" + (",virtualization=on" if virt else "")
    cmd = [QEMU, "-M", machine, "-cpu", "max", "-smp", str(smp), "-m", mem,
           "-nographic", "-no-reboot", "-kernel", kernel] + SEMIHOSTING
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]  # idle time warps: WFI figures repeat too
    cmd += ["-append", SEMIHOSTING_ARG + ("" if append is None else " " + append)]
    cmd += list(extra)
    return cmd


class Run:
    """One QEMU run: output so far, exit status, helpers to wait for text."""

    def __init__(self, cmd, log_path=None, stdin_pipe=False):
        self.cmd = cmd
        self.out = ""
        self.log = open(log_path, "w") if log_path else None
        if self.log:
            self.log.write("$ " + " ".join(cmd) + "\n")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL)
        self.start = time.monotonic()

    def _read(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return True
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        text = data.decode("utf-8", "replace").replace("\r", "")
        self.out += text
        if self.log:
            self.log.write(text)
            self.log.flush()
        return True

    def wait_for(self, pattern, timeout):
        """Wait until pattern (regex) appears in the output; return the match or None."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, re.M)
        while True:
            m = rx.search(self.out)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not self._read(min(left, 0.5)):
                m = rx.search(self.out)
                return m

    def wait_exit(self, timeout):
        """Read until QEMU exits; return its status or None on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._read(min(deadline - time.monotonic(), 0.5)):
                try:
                    return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    return None
        return None

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None
