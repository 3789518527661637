# SPDX-License-Identifier: MIT
# Page-table library benchmark: host-native -O2, fakes not recording.
BENCH_TARGETS += bench-pgtable
.PHONY: bench-pgtable

$(BUILD)/bench/pgtable: tests/bench/bench_pgtable.c src/mm/pgtable.c src/mm/pgtable_s2.c \
                        tests/fake/arch_fake.c src/mm/pgtable.h tests/fake/arch/tlb.h
	@mkdir -p $(dir $@)
	$(CC_H) -std=gnu11 -O2 $(WARN) -Wno-missing-prototypes -Itests/fake -Isrc -Iinclude -DMOAT_HOST \
	  -o $@ $(filter %.c,$^)

bench-pgtable: $(BUILD)/bench/pgtable
	@$(BUILD)/bench/pgtable
