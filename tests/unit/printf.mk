# SPDX-License-Identifier: MIT
UNIT_TESTS += printf
printf_SRCS := tests/unit/test_printf.c src/lib/printf.c
