/* SPDX-License-Identifier: MIT */
/*
 * Which branch-predictor mitigation a CPU needs on the guest -> EL2 path
 * (Spectre-v2, Spectre-BHB), decided from its ID registers and the
 * firmware's SMCCC_ARCH_FEATURES answers. docs/security.md, "Speculation".
 */
#ifndef MOAT_CORE_SPECTRE_H
#define MOAT_CORE_SPECTRE_H
#include "lib/types.h"

struct spectre_inputs {
	u64 pfr0, isar2, mmfr1;	/* ID_AA64PFR0/ISAR2/MMFR1_EL1 */
	s64 fw_wa1, fw_wa3;	/* SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_1/3) from firmware */
};

/** SPECTRE_MIT_* (arch/percpu.h); *@unmitigated set when the CPU is exposed and nothing helps. */
u32 spectre_choose(const struct spectre_inputs *in, bool *unmitigated);

/**
 * Whether SMCCC_ARCH_WORKAROUND_2 with argument @x1 is passed to the
 * firmware (as an enable, 1): an enable is, a disable (w1 = 0) never,
 * since it would turn the Speculative Store Bypass mitigation off for moat
 * as well.
 */
bool spectre_wa2_forward(u64 x1);
#endif
