# SPDX-License-Identifier: MIT
# vGICv3 model: registers through the MMIO ops, injection, SGIs, LR flush/sync.
UNIT_TESTS += vgic
vgic_SRCS := tests/unit/test_vgic.c src/emul/vgic.c src/lib/log.c src/lib/printf.c
