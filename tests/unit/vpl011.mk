# SPDX-License-Identifier: MIT
# The emulated PL011 UART (src/emul/vpl011.c).
UNIT_TESTS += vpl011
vpl011_SRCS := tests/unit/test_vpl011.c src/emul/vpl011.c src/lib/log.c src/lib/printf.c
