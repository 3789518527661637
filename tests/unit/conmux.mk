# SPDX-License-Identifier: MIT
# The console multiplexer: terminal-control filter and per-VM line buffering (src/core/conmux.c).
UNIT_TESTS += conmux
conmux_SRCS := tests/unit/test_conmux.c src/core/conmux.c
