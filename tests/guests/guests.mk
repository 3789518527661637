# SPDX-License-Identifier: MIT
# Bare-metal test guests (tests/guests) and the QEMU runner (tests/qemu/cases.py).
#
# A guest NAME is tests/guests/NAME.c plus any tests/guests/NAME_*.S, linked
# with the runtime in tests/guests/lib into $(BUILD)/guests/NAME.bin (an arm64
# Image). tests/guests/configs/NAME.dts describes the VM(s) that run it; dtc
# turns it into the boot bundle $(BUILD)/guests/NAME.bundle, with the .bin
# inside (/incbin/ paths are written "build/guests/..." and rewritten to
# $(BUILD)).

GUESTS        := hvc sysreg mmio mmio_isv0 abort fp wfi isolation at_oracle bench psci sgi timer gicfuzz passthrough \
                 attack_bystander attack_mem attack_hvc attack_sysreg attack_gic attack_console attack_cpu \
                 tlbi tlbi_oracle debug pmu hosted
GUEST_BUILD   := $(BUILD)/guests
GUEST_LD      := tests/guests/lib/guest.ld
GUEST_EXTRA_CFLAGS ?=
GUEST_CFLAGS  := $(GUEST_EXTRA_CFLAGS) -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
                 -mgeneral-regs-only -mstrict-align -fno-stack-protector -fno-pic -fno-pie \
                 -fno-omit-frame-pointer -mno-outline-atomics -march=armv8-a \
                 -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
                 -Wno-unused-parameter -Isrc -Iinclude -Itests/guests/lib -MMD -MP
GUEST_ASFLAGS := $(filter-out -mgeneral-regs-only,$(GUEST_CFLAGS)) -D__ASSEMBLY__

# The console and test-channel forgery guest (tests/guests/forge.c).
GUESTS        += forge

GUEST_LIB_OBJ := $(patsubst tests/guests/%,$(GUEST_BUILD)/obj/%.o, \
                   $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S))
GUEST_BINS    := $(patsubst %,$(GUEST_BUILD)/%.bin,$(GUESTS))
GUEST_BUNDLES := $(patsubst %,$(GUEST_BUILD)/%.bundle,$(GUESTS))
# Configs that run another guest's .bin (tlbi.bin, bench.bin in other trap modes).
GUEST_BUNDLES += $(patsubst %,$(GUEST_BUILD)/%.bundle,tlbi_safe tlbi_untrapped bench_tlbi_precise bench_tlbi_safe)

.PHONY: guests
guests: $(GUEST_BINS) $(GUEST_BUNDLES)

$(GUEST_BUILD)/obj/%.c.o: tests/guests/%.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC_T) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/obj/%.S.o: tests/guests/%.S | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC_T) $(GUEST_ASFLAGS) -c $< -o $@

define guest_rule
$(GUEST_BUILD)/$(1).elf: $(patsubst tests/guests/%,$(GUEST_BUILD)/obj/%.o,$(wildcard tests/guests/$(1).c tests/guests/$(1)_*.S)) $(GUEST_LIB_OBJ) $(GUEST_LD)
	@echo "  LD      $$@"
	@$(LD_T) -T $(GUEST_LD) --gc-sections -o $$@ $$(filter %.o,$$^)
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rule,$(g))))

$(GUEST_BUILD)/%.bin: $(GUEST_BUILD)/%.elf
	@$(OBJCOPY) -O binary $< $@

# A bundle embeds every guest .bin its config names (isolation: one .bin, two VMs).
$(GUEST_BUILD)/%.bundle: tests/guests/configs/%.dts $(GUEST_BINS) | $(SETUP_STAMP)
	@echo "  DTC     $<"
	@sed 's|"build/guests/|"$(GUEST_BUILD)/|g' $< | dtc -q -I dts -O dtb -o $@ -

-include $(wildcard $(GUEST_BUILD)/obj/*.d $(GUEST_BUILD)/obj/lib/*.d)

test-guests: $(BUILD)/moat.bin $(GUEST_BUNDLES)
	@BUILD=$(BUILD) python3 tests/qemu/cases.py
