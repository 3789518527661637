# SPDX-License-Identifier: MIT
# The host's device tree filter (src/core/host_fdt.c) on a QEMU-virt-like tree.
UNIT_TESTS += host_fdt
host_fdt_SRCS := tests/unit/test_host_fdt.c src/core/host_fdt.c src/lib/dt_platform.c \
                 src/lib/dt_bounds.c src/lib/printf.c
$(BUILD)/unit/host_fdt: | $(BUILD)/dts/host-virt.dtb
