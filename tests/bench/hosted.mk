# SPDX-License-Identifier: MIT
# `make bench-hosted`: VMs the host creates (docs/hosted.md): an exit to moat-vmm,
# the hosted guest's boot, create + destroy of a 256 MiB VM. See bench_hosted.py.
BENCH_TARGETS += bench-hosted
.PHONY: bench-hosted

bench-hosted: $(BUILD)/moat.bin $(BUILD)/host.bundle
	@BUILD=$(BUILD) python3 tests/bench/bench_hosted.py
