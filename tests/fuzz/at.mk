# SPDX-License-Identifier: MIT
# The stage-1 walker on random tables and registers, and the load/store decoder.
FUZZ_TARGETS += at
fuzz_at_SRCS := tests/fuzz/fuzz_at.c src/emul/at.c src/emul/insn_decode.c
