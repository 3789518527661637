# SPDX-License-Identifier: MIT
UNIT_TESTS += log
log_SRCS := tests/unit/test_log.c src/lib/log.c src/lib/printf.c
