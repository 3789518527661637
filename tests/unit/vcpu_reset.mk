# SPDX-License-Identifier: MIT
# A vCPU's reset state (core/vcpu_reset.c) and how PSCI CPU_ON publishes it (core/vpsci.c).
UNIT_TESTS += vcpu_reset
vcpu_reset_SRCS := tests/unit/test_vcpu_reset.c src/core/vcpu_reset.c src/core/debug.c src/core/pmu.c src/core/el2_config.c src/core/vpsci.c tests/fake/arch_fake.c
