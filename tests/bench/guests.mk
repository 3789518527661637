# SPDX-License-Identifier: MIT
# `make bench-guests` (part of `make bench`): the bench test guest
# (tests/guests/bench.c) under moat and, as the floor, the same binary
# straight under QEMU at EL1; both with -icount shift=0. See bench_guest.py.
BENCH_TARGETS += bench-guests

.PHONY: bench-guests
bench-guests: $(BUILD)/moat.bin $(BUILD)/guests/bench.bin $(BUILD)/guests/bench.bundle \
              $(BUILD)/guests/bench_tlbi_precise.bundle $(BUILD)/guests/bench_tlbi_safe.bundle
	@BUILD=$(BUILD) python3 tests/bench/bench_guest.py
