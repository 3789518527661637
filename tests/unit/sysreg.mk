# SPDX-License-Identifier: MIT
# Trapped system registers: ID-register sanitisation and the trap table.
# The test provides read_id_hw() (declared by sysreg.c under MOAT_HOST) and
# a recording vcpu_inject_undef().
UNIT_TESTS += sysreg
sysreg_SRCS := tests/unit/test_sysreg.c src/emul/sysreg.c src/core/sysreg_trap.c src/core/debug.c src/core/pmu.c src/core/el2_config.c src/core/tlbi_trap.c src/emul/tlbi.c tests/fake/arch_fake.c src/lib/log.c src/lib/printf.c
