# SPDX-License-Identifier: MIT
# Page ownership (host mode): every transition, the checker, the host's
# stage-2 fault path, the force-page rule with owner annotations, a race.
UNIT_TESTS += owner
owner_SRCS := tests/unit/test_owner.c tests/unit/test_pgtable_model.c \
              src/mm/owner.c src/mm/host_s2.c src/mm/pgtable.c src/mm/pgtable_s2.c \
              tests/fake/arch_fake.c
