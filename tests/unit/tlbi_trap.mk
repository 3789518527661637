# SPDX-License-Identifier: MIT
# Trapped TLBIs end to end on the host: ESR -> sysreg table -> core/tlbi_trap.c
# -> the recorded replay (tests/fake/arch/tlb.h) and the VM's counters.
UNIT_TESTS += tlbi_trap
tlbi_trap_SRCS := tests/unit/test_tlbi_trap.c src/emul/sysreg.c src/core/sysreg_trap.c src/core/debug.c src/core/pmu.c src/core/el2_config.c src/core/tlbi_trap.c src/emul/tlbi.c \
                  tests/fake/arch_fake.c src/lib/log.c src/lib/printf.c
