# SPDX-License-Identifier: MIT
UNIT_TESTS += at
at_SRCS := tests/unit/test_at.c src/emul/at.c
