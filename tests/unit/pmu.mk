# SPDX-License-Identifier: MIT
# The guest's PMU (core/pmu.c) on the fake CPU: checks, sanitising, SW_INCR, switch order.
UNIT_TESTS += pmu
pmu_SRCS := tests/unit/test_pmu.c src/core/pmu.c src/core/el2_config.c tests/fake/arch_fake.c
