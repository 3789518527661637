# SPDX-License-Identifier: MIT
# The guest device-tree generator (src/core/guest_fdt.c), checked with libfdt and the host's dtc.
UNIT_TESTS += guest_fdt
guest_fdt_SRCS := tests/unit/test_guest_fdt.c src/core/guest_fdt.c src/lib/printf.c
