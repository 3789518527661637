# SPDX-License-Identifier: MIT
# AT instructions trapped under FEAT_NV (HCR_EL2.AT): sysreg table -> software
# walker -> PAR_EL1, with a VM whose RAM is a host buffer and fake sysregs.
UNIT_TESTS += at_trap
at_trap_SRCS := tests/unit/test_at_trap.c src/emul/sysreg.c src/core/sysreg_trap.c src/core/debug.c src/core/pmu.c src/core/el2_config.c src/core/tlbi_trap.c src/emul/tlbi.c src/core/at_glue.c src/emul/at.c \
                src/mm/pgtable.c src/mm/pgtable_s2.c tests/fake/arch_fake.c src/lib/log.c src/lib/printf.c
