# SPDX-License-Identifier: MIT
# config_parse() on arbitrary bytes. Seeds: the unit tests' bundles.
FUZZ_TARGETS += config
fuzz_config_SRCS := tests/fuzz/fuzz_config.c src/core/config.c src/lib/dt_bounds.c src/lib/printf.c

$(BUILD)/fuzz/config: | $(BUILD)/fuzz/corpus-config/.seeded
$(BUILD)/fuzz/corpus-config/.seeded: $(CONFIG_DTBS)
	@mkdir -p $(dir $@)
	cp $(CONFIG_DTBS) $(dir $@)
	@touch $@
