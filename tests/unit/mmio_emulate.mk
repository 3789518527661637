# SPDX-License-Identifier: MIT
# MMIO emulation when the data-abort syndrome is not valid (ISV = 0).
UNIT_TESTS += mmio_emulate
mmio_emulate_SRCS := tests/unit/test_mmio_emulate.c src/core/mmio_emulate.c src/emul/insn_decode.c \
                     src/emul/at.c
