# SPDX-License-Identifier: MIT
UNIT_TESTS += insn_decode
insn_decode_SRCS := tests/unit/test_insn_decode.c src/emul/insn_decode.c
