// SPDX-License-Identifier: MIT
/*
 * Computing the EL2 controls from the ID registers, with no hardware
 * access, so a host test can check every bit against every feature. A bit
 * that belongs to an absent feature is RES0 (or RES1) and must keep its
 * reset meaning; a register of an absent feature is UNDEFINED to write.
 */
#include "arch/regs.h"
#include "core/el2_config.h"

/*
 * moat does not offer nested virtualisation, so HCR_EL2.AT (trap AT S1E*
 * from EL1, for a guest hypervisor) stays clear even on a CPU with FEAT_NV.
 */
#define EL2_OFFERS_NV false

static u64 el2_hcr(const struct el2_id_regs *id)
{
	u64 hcr = HCR_EL2_VM | HCR_EL2_SWIO | HCR_EL2_PTW | HCR_EL2_FMO | HCR_EL2_IMO |
		  HCR_EL2_AMO | HCR_EL2_FB | HCR_EL2_BSU_IS | HCR_EL2_TWI | HCR_EL2_TID3 |
		  HCR_EL2_TSC | HCR_EL2_TIDCP | HCR_EL2_TACR | HCR_EL2_RW;

	if (FIELD_GET(ID_AA64MMFR1_EL1_LO, id->mmfr1))
		hcr |= HCR_EL2_TLOR;
	if (FIELD_GET(ID_AA64PFR0_EL1_RAS, id->pfr0))
		hcr |= HCR_EL2_TERR;
	if (FIELD_GET(ID_AA64MMFR2_EL1_FWB, id->mmfr2))
		hcr |= HCR_EL2_FWB;
	if (EL2_OFFERS_NV && FIELD_GET(ID_AA64MMFR2_EL1_NV, id->mmfr2))
		hcr |= HCR_EL2_AT;
	return hcr;
}

static u64 el2_mdcr(const struct el2_id_regs *id)
{
	/* Debug registers always trap: the guest gets private or RAZ/WI copies. */
	u64 mdcr = MDCR_EL2_TDA | MDCR_EL2_TDOSA | MDCR_EL2_TDRA;

	/*
	 * PMU: every counter the guest's (HPMN = N), every access trapped and
	 * forwarded (core/pmu.c); EL2 never counted: HPMD (PMUv3p1) for the
	 * event counters, HCCD (PMUv3p5) for the cycle counter, on top of the
	 * NSH bits moat masks.
	 */
	if (id_dfr0_has_pmuv3(id->dfr0)) {
		u64 ver = FIELD_GET(ID_AA64DFR0_EL1_PMUVer, id->dfr0);

		mdcr |= MDCR_EL2_TPM | MDCR_EL2_TPMCR |
			FIELD_PREP(MDCR_EL2_HPMN, FIELD_GET(PMCR_EL0_N, id->pmcr));
		if (ver >= PMUVER_V3P1)
			mdcr |= MDCR_EL2_HPMD;
		if (ver >= PMUVER_V3P5)
			mdcr |= MDCR_EL2_HCCD;
	}
	/*
	 * SPE: TPMS traps the EL1 profiling controls, E2PB = 0 keeps the
	 * buffer EL2's (its EL1 registers trap). TRBE: E2TB = 0 likewise.
	 * Both guests' registers then UNDEF (no row claims them). Without the
	 * feature these bits are RES0 and stay 0. A host's own buffers are
	 * stopped and drained before a guest runs (core/prof_drain.c).
	 */
	if (FIELD_GET(ID_AA64DFR0_EL1_PMSVer, id->dfr0))
		mdcr |= MDCR_EL2_TPMS | FIELD_PREP(MDCR_EL2_E2PB, 0);
	if (FIELD_GET(ID_AA64DFR0_EL1_TraceBuffer, id->dfr0))
		mdcr |= FIELD_PREP(MDCR_EL2_E2TB, 0);
	/* FEAT_TRF: TRFCR_EL1 traps (and UNDEFs); TRFCR_EL2 = 0 prohibits trace at EL2. */
	if (FIELD_GET(ID_AA64DFR0_EL1_TraceFilt, id->dfr0))
		mdcr |= MDCR_EL2_TTRF;
	return mdcr;
}

static u64 el2_cptr(const struct el2_id_regs *id)
{
	/* TZ and TSM are RES1 without SVE/SME, and trap them with it. */
	u64 cptr = CPTR_EL2_RES1 | CPTR_EL2_TZ | CPTR_EL2_TSM;

	if (FIELD_GET(ID_AA64PFR0_EL1_AMU, id->pfr0))
		cptr |= CPTR_EL2_TAM;
	if (FIELD_GET(ID_AA64DFR0_EL1_TraceVer, id->dfr0))
		cptr |= CPTR_EL2_TTA;
	return cptr;
}

void el2_config_compute(const struct el2_id_regs *id, struct el2_config *c)
{
	*c = (struct el2_config){ 0 };
	c->hcr = el2_hcr(id);
	c->mdcr = el2_mdcr(id);
	c->cptr = el2_cptr(id);
	/* No AArch32 CP15 register traps: AArch32 is not offered (handle_aarch32). */
	c->hstr = 0;
	if (FIELD_GET(ID_AA64MMFR1_EL1_VMIDBits, id->mmfr1) == ID_AA64MMFR1_EL1_VMIDBits_16)
		c->vtcr |= VTCR_EL2_VS;
	/*
	 * HCRX_EL2: everything off (no LS64, no FPMR, no NMI, ...), except the
	 * memory copy/set instructions the ID registers offer (FEAT_MOPS).
	 */
	c->has_hcrx = FIELD_GET(ID_AA64MMFR1_EL1_HCX, id->mmfr1) != 0;
	if (c->has_hcrx && FIELD_GET(ID_AA64ISAR2_EL1_MOPS, id->isar2))
		c->hcrx |= HCRX_EL2_MSCEn;
	/*
	 * Fine-grained traps all 0: no extra trap for a register moat gives the
	 * guest, and every "n" bit (nTPIDR2_EL0, nPIR_EL1, nGCS_EL1, ...) 0,
	 * which traps the register of a hidden feature.
	 */
	c->has_fgt = FIELD_GET(ID_AA64MMFR0_EL1_FGT, id->mmfr0) != 0;
	c->has_fgt2 = FIELD_GET(ID_AA64MMFR0_EL1_FGT, id->mmfr0) >= ID_AA64MMFR0_EL1_FGT_FGT2;
	/* MPAM: the guest's MPAM0/1_EL1 trap (and UNDEF); EL2 runs in PARTID 0. */
	c->has_mpam = FIELD_GET(ID_AA64PFR0_EL1_MPAM, id->pfr0) ||
		      FIELD_GET(ID_AA64PFR1_EL1_MPAM_frac, id->pfr1);
	if (c->has_mpam)
		c->mpam2 = MPAM2_EL2_TRAPMPAM0EL1 | MPAM2_EL2_TRAPMPAM1EL1;
	/* Self-hosted trace: TRFCR_EL2 = 0 prohibits trace at EL2. */
	c->has_trfcr = FIELD_GET(ID_AA64DFR0_EL1_TraceFilt, id->dfr0) != 0;
}
