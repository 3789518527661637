/* SPDX-License-Identifier: MIT */
/*
 * The EL2 trap and control registers a guest runs with, computed from the
 * CPU's ID registers: each bit of a feature is set only when the CPU has
 * the feature, and each register of a feature is written only then. Why
 * each bit is what it is: docs/traps.md.
 */
#ifndef MOAT_CORE_EL2_CONFIG_H
#define MOAT_CORE_EL2_CONFIG_H
#include "lib/types.h"

/* The CPU's (unsanitised) ID registers the decisions depend on. */
struct el2_id_regs {
	u64 pfr0, pfr1, dfr0, isar2, mmfr0, mmfr1, mmfr2;
	u64 pmcr;	/* PMCR_EL0, read only when PMUv3 is present (id_dfr0_has_pmuv3, arch/regs.h) */
};

struct el2_config {
	u64 hcr;		/* HCR_EL2 (vm->hcr) */
	u64 hstr;		/* HSTR_EL2 */
	u64 cptr;		/* CPTR_EL2 while FP/SIMD is the guest's (TFP clear) */
	u64 mdcr;		/* MDCR_EL2 */
	u64 vtcr;		/* VTCR_EL2 bits on top of pgt_s2_vtcr() */
	bool has_hcrx;		/* FEAT_HCX: HCRX_EL2 */
	u64 hcrx;
	bool has_fgt;		/* FEAT_FGT: HFGRTR/HFGWTR/HFGITR/HDFGRTR/HDFGWTR_EL2 */
	u64 hfgrtr, hfgwtr, hfgitr, hdfgrtr, hdfgwtr;
	bool has_fgt2;		/* FEAT_FGT2: HFGRTR2/HFGWTR2/HFGITR2/HDFGRTR2/HDFGWTR2_EL2, all 0 */
	bool has_mpam;		/* FEAT_MPAM: MPAM2_EL2 */
	u64 mpam2;
	bool has_trfcr;		/* FEAT_TRF: TRFCR_EL2 */
	u64 trfcr;
};

/** Fill @c for a CPU with ID registers @id. */
void el2_config_compute(const struct el2_id_regs *id, struct el2_config *c);
#endif
