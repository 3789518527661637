# SPDX-License-Identifier: MIT
# The firmware conduit moat uses at EL2, the SGI register encoding, err_name().
UNIT_TESTS += firmware
firmware_SRCS := tests/unit/test_firmware.c src/core/firmware.c src/lib/err.c src/lib/printf.c
