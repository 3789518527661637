# SPDX-License-Identifier: MIT
# moat — build, run, test, bench. See README.md.

BUILD    ?= build
CACHE    ?= .cache
SMP      ?= 2
MEM      ?= 1G
CONFIG   ?= host

# Cross toolchain: Debian's clang 14 + lld 14 (both on a stock Debian 12).
CC_T     := clang --target=aarch64-none-elf
LD_T     := ld.lld
OBJCOPY  := llvm-objcopy
LIBFDT_T := $(CACHE)/arm64/libfdt.a

WARN     := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
            -Wno-unused-parameter -Wno-missing-field-initializers -Wvla -Wimplicit-fallthrough
CFLAGS_T := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc -isystem $(shell clang -print-resource-dir)/include \
            -mgeneral-regs-only -mstrict-align -fno-stack-protector -fno-pic -fno-pie \
            -fno-omit-frame-pointer -mno-outline-atomics -march=armv8.1-a \
            -ffunction-sections -fdata-sections $(WARN) -Isrc -Iinclude -Isrc/lib/libc -MMD -MP
ASFLAGS_T := $(CFLAGS_T) -D__ASSEMBLY__

SRC_T    := $(wildcard src/arch/*.c src/arch/*.S src/core/*.c src/emul/*.c src/mm/*.c src/lib/*.c)
OBJ_T    := $(patsubst %,$(BUILD)/t/%.o,$(SRC_T))

.PHONY: all run bundles check-config test test-unit test-guests test-linux test-host test-hosted bench fuzz clean setup gdb

all: $(BUILD)/moat.bin

SETUP_STAMP := $(CACHE)/.setup-done
# A stamp left behind on a machine that lost its tools must not hide them:
# setup runs again whenever a tool it installs is missing.
SETUP_TOOLS := qemu-system-aarch64 clang ld.lld llvm-objcopy dtc aarch64-linux-gnu-gcc
ifneq ($(words $(foreach t,$(SETUP_TOOLS),$(shell command -v $(t)))),$(words $(SETUP_TOOLS)))
.PHONY: $(SETUP_STAMP)
endif
$(SETUP_STAMP): scripts/setup
	MOAT_CACHE=$(CACHE) bash scripts/setup

setup:
	MOAT_CACHE=$(CACHE) bash scripts/setup

$(LIBFDT_T): | $(SETUP_STAMP)

$(BUILD)/t/%.c.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC_T) $(CFLAGS_T) -c $< -o $@

$(BUILD)/t/%.S.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC_T) $(ASFLAGS_T) -c $< -o $@

$(BUILD)/moat.elf: $(OBJ_T) src/arch/moat.ld $(LIBFDT_T)
	@echo "  LD      $@"
	@$(LD_T) -T src/arch/moat.ld --gc-sections -o $@ $(OBJ_T) $(LIBFDT_T)

$(BUILD)/moat.bin: $(BUILD)/moat.elf
	@$(OBJCOPY) -O binary $< $@

-include $(OBJ_T:.o=.d)

include tests/unit/unit.mk
include tests/guests/guests.mk
include tests/fuzz/fuzz.mk
include tests/bench/bench.mk
include tests/linux/linux.mk
include host/vmm/vmm.mk

# The whole suite, in the order DESIGN.md gives; the last line is the tally.
test: | $(SETUP_STAMP)
	@bash tests/run-all.sh

clean:
	rm -rf $(BUILD)
	cd host/kmod && rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers

# Guest images: Debian's kernel (cached by scripts/setup) and a busybox initramfs.
GUEST_IMAGE := $(CACHE)/guest/Image
$(GUEST_IMAGE) $(CACHE)/guest/busybox: | $(SETUP_STAMP)

# Small static arm64 programs the guest runs (tests/linux/*.c): raw system
# calls, no libc, so only clang and lld are needed.
GUEST_TOOLS := $(BUILD)/linux-tools/perfcount $(BUILD)/linux-tools/cntvct
$(BUILD)/linux-tools/%: tests/linux/%.c tests/linux/freestanding.h | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@clang --target=aarch64-linux-gnu -static -nostdlib -ffreestanding -fno-stack-protector \
	    -fno-pic -fno-pie -O2 $(WARN) -fuse-ld=lld -Wl,-no-pie -o $@ $<

$(BUILD)/initramfs.cpio.gz: scripts/mkinitramfs $(CACHE)/guest/busybox $(GUEST_TOOLS) | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CPIO    $@"
	@scripts/mkinitramfs $(CACHE)/guest/busybox $@ "" $(GUEST_TOOLS)

# The host's initramfs: the same, plus virtio and ext4 modules from Debian's kernel package.
$(CACHE)/guest/modules/load-order: scripts/host-modules | $(SETUP_STAMP)
	@scripts/host-modules $(CACHE)

# moat.ko (host/kmod, docs/hosted.md) for exactly the cached kernel: Debian's
# headers of its ABI, unpacked by setup into $(CACHE)/kmod. The arm64
# headers' Makefile includes the common one by an absolute /usr/src path, so
# kbuild is entered through the common Makefile (-f) instead. Kbuild builds
# next to the sources (6.1 cannot put an external module's objects
# elsewhere); the .ko is copied to $(BUILD)/host.
KMOD_HDRS := $(CACHE)/kmod/abi
KMOD_SRC  := $(wildcard host/kmod/*.c host/kmod/*.h) host/kmod/Kbuild include/moat/hypercall.h \
             host/include/moat_ioctl.h
KMOD_MAKE = abi=$$(cat $(KMOD_HDRS)); src=$(abspath $(CACHE))/kmod/usr/src; \
	$(MAKE) -s -C $$src/linux-headers-$$abi-arm64 -f $$src/linux-headers-$$abi-common/Makefile \
	M=$(CURDIR)/host/kmod ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	DEB_BUILD_ARCH=amd64 DEB_HOST_ARCH=arm64 DEB_HOST_GNU_TYPE=aarch64-linux-gnu
$(KMOD_HDRS): | $(SETUP_STAMP)
	MOAT_CACHE=$(CACHE) bash scripts/setup

$(BUILD)/host/moat.ko: $(KMOD_SRC) | $(KMOD_HDRS)
	@mkdir -p $(dir $@)
	@echo "  KMOD    $@"
	+@$(KMOD_MAKE) modules
	@cp host/kmod/moat.ko $@

# Static arm64 programs for the host (host/tools): Debian's cross gcc and libc.
$(BUILD)/host/%: host/tools/%.c include/moat/hypercall.h host/include/moat_ioctl.h | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@aarch64-linux-gnu-gcc -static -pthread -O2 -std=gnu11 $(WARN) -Iinclude -Ihost/include -o $@ $<

HOST_FILES := $(BUILD)/host/moat.ko=/lib/moat/moat.ko $(BUILD)/host/moat-selftest=/bin/moat-selftest \
              host/tools/hosted-vm=/bin/hosted-vm $(BUILD)/linux-tools/cntvct=/usr/bin/cntvct \
              $(HOSTED_FILES)
$(BUILD)/host-initramfs.cpio.gz: scripts/mkinitramfs $(CACHE)/guest/busybox $(CACHE)/guest/modules/load-order \
		$(foreach f,$(HOST_FILES),$(firstword $(subst =, ,$(f)))) | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CPIO    $@"
	@scripts/mkinitramfs $(CACHE)/guest/busybox $@ $(CACHE)/guest/modules $(HOST_FILES)

# The host's disk: made once, kept across runs (make clean removes it).
$(BUILD)/host-disk.img: | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MKFS    $@"
	@mkfs.ext4 -q -F -O ^metadata_csum -L moat-host $@ 64M

$(BUILD)/host.bundle $(BUILD)/host-linux.bundle: $(BUILD)/host-initramfs.cpio.gz

# A boot bundle: the VM config with its images inside (docs/config.md).
$(BUILD)/%.bundle: configs/%.dts scripts/mkbundle $(BUILD)/initramfs.cpio.gz $(GUEST_IMAGE) | $(SETUP_STAMP)
	@echo "  BUNDLE  $@"
	@scripts/mkbundle $< $@ $(BUILD) $(CACHE)

bundles: $(BUILD)/linux.bundle $(BUILD)/two-linux.bundle

# `make run`: boot configs/$(CONFIG).dts under moat in QEMU (see README.md).
# With semihosting, moat ends QEMU with status 1 when it stops on an error (docs/debugging.md).
QEMU_FLAGS := -M virt,virtualization=on,gic-version=3 -cpu max -smp $(SMP) -m $(MEM) -nographic -no-reboot \
              -semihosting-config enable=on,target=native -append "moat.semihosting=on$(if $(APPEND), $(APPEND))"
check-config:
	@[ -f configs/$(CONFIG).dts ] || { echo "moat: error: no configs/$(CONFIG).dts; CONFIG= names a file in configs/ (e.g. linux, two-linux)"; exit 1; }

# A host config (configs/host*.dts) gets the host's disk and a NIC on QEMU's user network.
HOST_DEVICES := -drive file=$(BUILD)/host-disk.img,if=none,format=raw,id=hd0 -device virtio-blk-device,drive=hd0 \
                -netdev user,id=net0 -device virtio-net-device,netdev=net0
IS_HOST := $(filter host%,$(CONFIG))

run: check-config $(BUILD)/moat.bin $(BUILD)/$(CONFIG).bundle $(if $(IS_HOST),$(BUILD)/host-disk.img)
	@echo "moat: booting configs/$(CONFIG).dts on $(SMP) CPUs; quit QEMU with Ctrl-a x"
	qemu-system-aarch64 $(QEMU_FLAGS) -kernel $(BUILD)/moat.bin -initrd $(BUILD)/$(CONFIG).bundle \
		$(if $(IS_HOST),$(HOST_DEVICES)) $(QEMU_EXTRA)

# `make gdb`: the same, halted at the first instruction, waiting for gdb on :1234.
gdb: check-config $(BUILD)/moat.bin $(BUILD)/$(CONFIG).bundle
	@echo "moat: waiting for gdb: gdb-multiarch $(BUILD)/moat.elf -ex 'target remote :1234'"
	qemu-system-aarch64 $(QEMU_FLAGS) -kernel $(BUILD)/moat.bin -initrd $(BUILD)/$(CONFIG).bundle -s -S $(QEMU_EXTRA)
