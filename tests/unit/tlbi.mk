# SPDX-License-Identifier: MIT
# Trapped TLB maintenance: decoding every EL1 TLBI and sanitising its operand.
UNIT_TESTS += tlbi
tlbi_SRCS := tests/unit/test_tlbi.c src/emul/tlbi.c
