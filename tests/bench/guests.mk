# SPDX-License-Identifier: MIT
# `make bench-guests` (part of `make bench`): the bench test guest
# (tests/guests/bench.c) under moat and, as the floor, the same binary
# straight under QEMU at EL1; both with -icount shift=0. See bench_guest.py.
BENCH_TARGETS += bench-guests

.PHONY: bench-guests
bench-guests: $(BUILD)/moat.bin $(BUILD)/guests/bench.bin $(BUILD)/guests/bench.bundle \
              $(BUILD)/guests/bench_tlbi_precise.bundle $(BUILD)/guests/bench_tlbi_safe.bundle \
              $(BUILD)/nostats/moat.bin $(BUILD)/guests/bench_hosted.bundle
	@BUILD=$(BUILD) python3 tests/bench/bench_guest.py

# The same moat without exit statistics (core/vcpu.c, the run loop, and
# core/exit.c, the MMIO fast path, built with -DMOAT_NO_EXIT_STATS): what
# counting costs per exit.
NOSTATS_SRCS := src/core/vcpu.c src/core/exit.c
NOSTATS_OBJ := $(patsubst src/core/%.c,$(BUILD)/nostats/%.c.o,$(NOSTATS_SRCS))
NOSTATS_KEEP := $(filter-out $(patsubst %,$(BUILD)/t/%.o,$(NOSTATS_SRCS)),$(OBJ_T))
$(BUILD)/nostats/%.c.o: src/core/%.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (no exit stats)"
	@$(CC_T) $(CFLAGS_T) -DMOAT_NO_EXIT_STATS -c $< -o $@

$(BUILD)/nostats/moat.bin: $(NOSTATS_KEEP) $(NOSTATS_OBJ) src/arch/moat.ld $(LIBFDT_T)
	@$(LD_T) -T src/arch/moat.ld --gc-sections -o $(BUILD)/nostats/moat.elf \
		$(NOSTATS_KEEP) $(NOSTATS_OBJ) $(LIBFDT_T)
	@$(OBJCOPY) -O binary $(BUILD)/nostats/moat.elf $@
-include $(NOSTATS_OBJ:.o=.d)
