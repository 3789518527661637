# SPDX-License-Identifier: MIT
# Console input: focus keys and the ring of waiting bytes (src/core/coninput.c).
UNIT_TESTS += coninput
coninput_SRCS := tests/unit/test_coninput.c src/core/coninput.c
