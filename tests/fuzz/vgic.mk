# SPDX-License-Identifier: MIT
# vGICv3 model: random MMIO, injections, SGIs, flush/sync with random LR states.
FUZZ_TARGETS += vgic
fuzz_vgic_SRCS := tests/fuzz/fuzz_vgic.c src/emul/vgic.c src/lib/log.c src/lib/printf.c
