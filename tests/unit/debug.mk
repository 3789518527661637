# SPDX-License-Identifier: MIT
# Lazy switching of a guest's debug registers (core/debug.c) on the fake CPU.
UNIT_TESTS += debug
debug_SRCS := tests/unit/test_debug.c src/core/debug.c tests/fake/arch_fake.c
