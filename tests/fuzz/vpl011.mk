# SPDX-License-Identifier: MIT
# The emulated PL011 under random register accesses and console input.
FUZZ_TARGETS += vpl011
fuzz_vpl011_SRCS := tests/fuzz/fuzz_vpl011.c src/emul/vpl011.c src/lib/log.c src/lib/printf.c
