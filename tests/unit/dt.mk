# SPDX-License-Identifier: MIT
# Device-tree parsing. The trees are compiled from tests/unit/dts/*.dts with
# dtc into $(BUILD)/dts/, plus one generated tree with 300 CPUs; the test
# binary finds them through DT_DIR (relative to the repo root, where the
# runner starts it).
UNIT_TESTS += dt
dt_SRCS := tests/unit/test_dt.c src/lib/dt_platform.c src/lib/dt_bounds.c src/lib/printf.c

DT_DTBS := $(patsubst tests/unit/dts/%.dts,$(BUILD)/dts/%.dtb,$(wildcard tests/unit/dts/*.dts)) \
           $(BUILD)/dts/cpus-300.dtb

$(BUILD)/dts/%.dtb: tests/unit/dts/%.dts | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

# 300 cpu nodes are easier to generate than to write.
$(BUILD)/dts/cpus-300.dts: tests/unit/dt.mk
	@mkdir -p $(dir $@)
	@{ echo '/dts-v1/;'; \
	   echo '/ { #address-cells = <2>; #size-cells = <2>;'; \
	   echo '  memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };'; \
	   echo '  cpus { #address-cells = <1>; #size-cells = <0>;'; \
	   for i in $$(seq 0 299); do \
	     echo "    cpu@$$i { device_type = \"cpu\"; compatible = \"arm,cortex-a57\"; reg = <$$i>; };"; \
	   done; \
	   echo '  };'; echo '};'; } > $@

$(BUILD)/dts/cpus-300.dtb: $(BUILD)/dts/cpus-300.dts | $(SETUP_STAMP)
	dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/h/tests/unit/test_dt.o: CFLAGS_H += -DDT_DIR='"$(BUILD)/dts"'
$(BUILD)/unit/dt: | $(DT_DTBS)
