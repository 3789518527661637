# SPDX-License-Identifier: MIT
# moat-vmm (docs/hosted.md): a static arm64 Linux program for the host, built
# with Debian's aarch64 cross gcc and glibc, linked with Debian's arm64 libfdt
# (unpacked into the cache by scripts/setup).
CC_VMM     := aarch64-linux-gnu-gcc
CFLAGS_VMM := -std=gnu11 -D_GNU_SOURCE -O2 -g -static -pthread $(WARN) -Ihost/vmm -Ihost/include -Iinclude -Isrc \
              -I$(CACHE)/arm64/include -MMD -MP
# The guest's PL011 is moat's own model (src/emul/vpl011.c), shared with static VMs.
SRC_VMM    := $(wildcard host/vmm/*.c) src/emul/vpl011.c
OBJ_VMM    := $(patsubst %.c,$(BUILD)/vmm/%.o,$(SRC_VMM))

$(BUILD)/vmm/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  VMMCC   $<"
	@$(CC_VMM) $(CFLAGS_VMM) -c $< -o $@

$(BUILD)/host/moat-vmm: $(OBJ_VMM) $(LIBFDT_T)
	@mkdir -p $(dir $@)
	@echo "  VMMLD   $@"
	@$(CC_VMM) $(CFLAGS_VMM) -o $@ $(OBJ_VMM) $(LIBFDT_T)

-include $(OBJ_VMM:.o=.d)

all: $(BUILD)/host/moat-vmm

# The guest moat-vmm runs in the tests: Debian's kernel and a busybox
# initramfs whose /init is tests/linux/hosted-guest-init (with the virtio
# modules, and make bench-hosted's cntvct and mmiobench). The host's
# initramfs carries them and moat-vmm.
HOSTED_GUEST_TOOLS := $(BUILD)/linux-tools/cntvct $(BUILD)/linux-tools/mmiobench
$(BUILD)/hosted-guest-initrd.cpio.gz: scripts/mkinitramfs tests/linux/hosted-guest-init $(CACHE)/guest/busybox \
		$(CACHE)/guest/modules/load-order $(HOSTED_GUEST_TOOLS) | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CPIO    $@"
	@MKINITRAMFS_INIT=tests/linux/hosted-guest-init scripts/mkinitramfs $(CACHE)/guest/busybox $@ \
		$(CACHE)/guest/modules $(HOSTED_GUEST_TOOLS)

HOSTED_FILES := $(BUILD)/host/moat-vmm=/bin/moat-vmm $(CACHE)/guest/Image=/guest/Image \
                $(BUILD)/hosted-guest-initrd.cpio.gz=/guest/initrd.cpio.gz $(BUILD)/linux-tools/cntvct
