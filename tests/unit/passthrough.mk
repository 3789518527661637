# SPDX-License-Identifier: MIT
# The passthrough rule, on tests/unit/dts/passthrough-virt.dts (compiled by dt.mk).
UNIT_TESTS += passthrough
passthrough_SRCS := tests/unit/test_passthrough.c src/core/passthrough.c src/lib/dt_platform.c src/lib/dt_bounds.c \
                    src/lib/printf.c

$(BUILD)/h/tests/unit/test_passthrough.o: CFLAGS_H += -DDT_DIR='"$(BUILD)/dts"'
$(BUILD)/unit/passthrough: | $(DT_DTBS)
