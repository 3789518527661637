# SPDX-License-Identifier: MIT
# `make bench-host`: Linux as the host (configs/host.dts) to /init under moat versus on bare QEMU,
# and the host stage-2's fault and mapping counts.
BENCH_TARGETS += bench-host
.PHONY: bench-host

bench-host: $(BUILD)/moat.bin $(BUILD)/host.bundle $(BUILD)/host-initramfs.cpio.gz
	@BUILD=$(BUILD) CACHE=$(CACHE) python3 tests/bench/bench_host.py
