# SPDX-License-Identifier: MIT
# Which stage-2 data aborts moat emulates, skips or turns into an abort.
UNIT_TESTS += dabt
dabt_SRCS := tests/unit/test_dabt.c src/core/dabt.c
