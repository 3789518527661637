# SPDX-License-Identifier: MIT
# platform_parse() on arbitrary bytes. Seeds: the unit-test trees.
FUZZ_TARGETS += dt
fuzz_dt_SRCS := tests/fuzz/fuzz_dt.c src/lib/dt_platform.c src/lib/dt_bounds.c src/core/passthrough.c src/lib/printf.c

# Start the corpus from the unit-test trees (tests/unit/dt.mk builds them), so
# the fuzzer mutates real blobs instead of hunting for the magic number.
$(BUILD)/fuzz/dt: | $(BUILD)/fuzz/corpus-dt/.seeded
$(BUILD)/fuzz/corpus-dt/.seeded: $(DT_DTBS)
	@mkdir -p $(dir $@)
	cp $(DT_DTBS) $(dir $@)
	@touch $@
