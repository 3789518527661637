# SPDX-License-Identifier: MIT
# The TLBI decoder and operand sanitiser on arbitrary syndromes, operands and features.
FUZZ_TARGETS += tlbi
fuzz_tlbi_SRCS := tests/fuzz/fuzz_tlbi.c src/emul/tlbi.c
