# SPDX-License-Identifier: MIT
# Exception injection into an AArch64 EL1 guest, against hand-worked cases.
UNIT_TESTS += inject
inject_SRCS := tests/unit/test_inject.c src/core/inject.c
