# SPDX-License-Identifier: MIT
# `make bench-linux`: Linux boot to /init under moat versus directly on QEMU.
BENCH_TARGETS += bench-linux
.PHONY: bench-linux

$(BUILD)/bench/mkguestdtb: tests/bench/mkguestdtb.c src/core/guest_fdt.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(CC_H) -std=gnu11 -O1 $(WARN) -Wno-missing-prototypes -Itests/fake -Isrc -Iinclude -DMOAT_HOST \
	  -o $@ $^ src/lib/printf.c src/lib/log.c -lfdt

$(BUILD)/bench/guest-linux.dtb: $(BUILD)/bench/mkguestdtb
	@$< $@

bench-linux: $(BUILD)/moat.bin $(BUILD)/linux.bundle $(BUILD)/initramfs.cpio.gz $(BUILD)/bench/guest-linux.dtb
	@BUILD=$(BUILD) CACHE=$(CACHE) python3 tests/bench/bench_linux.py
