# SPDX-License-Identifier: MIT
# `make bench`: figures, never pass/fail. Fragments tests/bench/<name>.mk add
# targets to BENCH_TARGETS; each prints its own lines.
BENCH_TARGETS :=
include $(sort $(filter-out tests/bench/bench.mk,$(wildcard tests/bench/*.mk)))

bench: $(BENCH_TARGETS)
