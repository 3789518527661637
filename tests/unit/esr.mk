# SPDX-License-Identifier: MIT
UNIT_TESTS += esr
esr_SRCS := tests/unit/test_esr.c src/core/esr.c src/lib/printf.c
