# SPDX-License-Identifier: MIT
# The device tree moat-vmm gives its guest (host/vmm/fdt.c), read back with libfdt.
UNIT_TESTS += vmm_fdt
vmm_fdt_SRCS := tests/unit/test_vmm_fdt.c host/vmm/fdt.c
