# SPDX-License-Identifier: MIT
# Emulated MMIO: ISS decode, load results, the region bus, the test device.
UNIT_TESTS += mmio
mmio_SRCS := tests/unit/test_mmio.c src/emul/mmio.c src/emul/testdev.c
