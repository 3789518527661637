# SPDX-License-Identifier: MIT
# The boot-bundle parser. Bundles are compiled from tests/unit/config/*.dts
# with dtc, run from the repo root with -i . so their /incbin/ paths
# (tests/unit/config/*.bin) resolve, into $(BUILD)/config-dts/; the test
# binary finds them through CONFIG_DTB_DIR (relative to the repo root).
UNIT_TESTS += config
config_SRCS := tests/unit/test_config.c src/core/config.c src/lib/dt_bounds.c src/lib/printf.c

CONFIG_DTBS := $(patsubst tests/unit/config/%.dts,$(BUILD)/config-dts/%.dtb,$(wildcard tests/unit/config/*.dts))

$(BUILD)/config-dts/%.dtb: tests/unit/config/%.dts $(wildcard tests/unit/config/*.bin) | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	dtc -q -i . -I dts -O dtb -o $@ $<

$(BUILD)/h/tests/unit/test_config.o: CFLAGS_H += -DCONFIG_DTB_DIR='"$(BUILD)/config-dts"'
$(BUILD)/unit/config: | $(CONFIG_DTBS)
