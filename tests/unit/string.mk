# SPDX-License-Identifier: MIT
# src/lib/string.c is tested under its host names (moat_memcpy, ...), built
# with -fno-builtin so the compiler keeps our loops instead of calling libc.
UNIT_TESTS += string
string_SRCS := tests/unit/test_string.c src/lib/string.c
$(BUILD)/h/src/lib/string.o: CFLAGS_H += -fno-builtin
