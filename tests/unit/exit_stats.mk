# SPDX-License-Identifier: MIT
# Exit statistics: the per-VM table Ctrl-\ s prints (src/core/exit_stats.c).
UNIT_TESTS += exit_stats
exit_stats_SRCS := tests/unit/test_exit_stats.c src/core/exit_stats.c src/lib/printf.c
