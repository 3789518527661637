/* SPDX-License-Identifier: MIT */
/*
 * el2_config_compute (src/core/el2_config.c) on fake CPUs: one with no
 * optional feature, one with every field at 0xf, and one per feature. A
 * bit or register of a feature appears exactly when the CPU has it.
 * Register bit positions are written by hand from the Arm ARM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/el2_config.h"

/* HCR_EL2 */
#define HCR_TLOR	(1ULL << 35)
#define HCR_TERR	(1ULL << 36)
#define HCR_FWB		(1ULL << 46)
#define HCR_AT		(1ULL << 44)
#define HCR_RW		(1ULL << 31)
#define HCR_TID3	(1ULL << 18)
#define HCR_BASE	0x803c263fULL	/* VM SWIO PTW FMO IMO AMO FB BSU=IS TWI TID3 TSC TIDCP TACR RW */
/* CPTR_EL2: RES1 13:12 and 9:0 (TZ bit 8, TSM bit 12 among them), TAM 30, TTA 20 */
#define CPTR_BASE	0x33ffULL
#define CPTR_TAM	(1ULL << 30)
#define CPTR_TTA	(1ULL << 20)
/* MDCR_EL2: TDA 9, TDOSA 10, TDRA 11; TPMCR 5, TPM 6, HPMN 4:0; TPMS 14; TTRF 19 */
#define MDCR_BASE	0xe00ULL
#define MDCR_PMU(n)	(0x60ULL | (n))
#define MDCR_TPMS	(1ULL << 14)
#define MDCR_TTRF	(1ULL << 19)
#define MDCR_HPMD	(1ULL << 17)
#define MDCR_HCCD	(1ULL << 23)

static struct el2_config compute(const struct el2_id_regs *id)
{
	struct el2_config c;

	memset(&c, 0xa5, sizeof(c));
	el2_config_compute(id, &c);
	return c;
}

static void test_no_features(void **state)
{
	struct el2_id_regs id = { 0 };
	struct el2_config c;

	(void)state;
	/* Even a bare CPU has AArch64 EL0/EL1, FP and AdvSIMD: only optional features are 0 here. */
	c = compute(&id);
	assert_int_equal(c.hcr, HCR_BASE);
	assert_int_equal(c.cptr, CPTR_BASE);
	assert_int_equal(c.mdcr, MDCR_BASE);
	assert_int_equal(c.hstr, 0);
	assert_int_equal(c.vtcr, 0);
	assert_false(c.has_hcrx);
	assert_int_equal(c.hcrx, 0);
	assert_false(c.has_fgt);
	assert_false(c.has_fgt2);
	assert_false(c.has_mpam);
	assert_int_equal(c.mpam2, 0);
	assert_false(c.has_trfcr);
	assert_int_equal(c.hfgrtr | c.hfgwtr | c.hfgitr | c.hdfgrtr | c.hdfgwtr | c.trfcr, 0);
}

static void test_every_feature(void **state)
{
	struct el2_id_regs id = { ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, 0 };
	struct el2_config c;

	(void)state;
	/* PMUVer 0xf is an IMPLEMENTATION DEFINED PMU: no PMUv3 controls. */
	c = compute(&id);
	assert_int_equal(c.hcr, HCR_BASE | HCR_TLOR | HCR_TERR | HCR_FWB);	/* never AT: no NV offered */
	assert_int_equal(c.cptr, CPTR_BASE | CPTR_TAM | CPTR_TTA);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_TPMS | MDCR_TTRF);
	assert_int_equal(c.vtcr, 0);	/* VMIDBits 0xf is reserved, not 16 bits */
	assert_true(c.has_hcrx);
	assert_int_equal(c.hcrx, 1ULL << 11);	/* MSCEn for FEAT_MOPS */
	assert_true(c.has_fgt);
	assert_true(c.has_fgt2);
	assert_int_equal(c.hfgrtr | c.hfgwtr | c.hfgitr | c.hdfgrtr | c.hdfgwtr, 0);
	assert_true(c.has_mpam);
	assert_int_equal(c.mpam2, (1ULL << 48) | (1ULL << 49));
	assert_true(c.has_trfcr);
	assert_int_equal(c.trfcr, 0);
}

/* One feature at a time: its bits, and nothing else, change. */
static void test_one_feature_each(void **state)
{
	struct el2_id_regs id;
	struct el2_config c;

	(void)state;
	memset(&id, 0, sizeof(id));
	id.mmfr1 = 1ULL << 16;	/* LO */
	c = compute(&id);
	assert_int_equal(c.hcr, HCR_BASE | HCR_TLOR);

	memset(&id, 0, sizeof(id));
	id.pfr0 = 1ULL << 28;	/* RAS */
	c = compute(&id);
	assert_int_equal(c.hcr, HCR_BASE | HCR_TERR);

	memset(&id, 0, sizeof(id));
	id.mmfr2 = 1ULL << 40;	/* FWB */
	c = compute(&id);
	assert_int_equal(c.hcr, HCR_BASE | HCR_FWB);

	memset(&id, 0, sizeof(id));
	id.mmfr2 = 2ULL << 24;	/* NV2: still no AT trap */
	c = compute(&id);
	assert_int_equal(c.hcr, HCR_BASE);

	memset(&id, 0, sizeof(id));
	id.pfr0 = 1ULL << 44;	/* AMU */
	c = compute(&id);
	assert_int_equal(c.cptr, CPTR_BASE | CPTR_TAM);
	assert_int_equal(c.mdcr, MDCR_BASE);

	memset(&id, 0, sizeof(id));
	id.dfr0 = 1ULL << 4;	/* TraceVer */
	c = compute(&id);
	assert_int_equal(c.cptr, CPTR_BASE | CPTR_TTA);
	assert_int_equal(c.mdcr, MDCR_BASE);
	assert_false(c.has_trfcr);

	memset(&id, 0, sizeof(id));
	id.dfr0 = 1ULL << 40;	/* TraceFilt */
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_TTRF);
	assert_int_equal(c.cptr, CPTR_BASE);
	assert_true(c.has_trfcr);

	memset(&id, 0, sizeof(id));
	id.dfr0 = 6ULL << 8;	/* PMUv3p5, PMCR_EL0.N = 6: EL2 excluded by HPMD and HCCD */
	id.pmcr = 6ULL << 11;
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_PMU(6) | MDCR_HPMD | MDCR_HCCD);

	id.dfr0 = 4ULL << 8;	/* PMUv3p1: HPMD, no HCCD */
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_PMU(6) | MDCR_HPMD);

	id.dfr0 = 1ULL << 8;	/* PMUv3: neither */
	id.pmcr = 31ULL << 11;
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_PMU(31));

	memset(&id, 0, sizeof(id));
	id.dfr0 = 1ULL << 32;	/* SPE: TPMS, E2PB (bits 13:12) 0: the buffer is EL2's */
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_TPMS);

	memset(&id, 0, sizeof(id));
	id.dfr0 = 1ULL << 44;	/* TRBE alone: E2TB (bits 25:24) 0, nothing else */
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE);
	assert_int_equal(c.cptr, CPTR_BASE);
	assert_false(c.has_trfcr);

	memset(&id, 0, sizeof(id));
	id.dfr0 = (1ULL << 4) | (1ULL << 32) | (1ULL << 40) | (1ULL << 44);	/* trace unit, SPE, TRF, TRBE */
	c = compute(&id);
	assert_int_equal(c.mdcr, MDCR_BASE | MDCR_TPMS | MDCR_TTRF);
	assert_int_equal(c.mdcr & ((3ULL << 12) | (3ULL << 24)), 0);
	assert_int_equal(c.cptr, CPTR_BASE | CPTR_TTA);
	assert_true(c.has_trfcr);
	assert_int_equal(c.trfcr, 0);

	memset(&id, 0, sizeof(id));
	id.mmfr1 = 2ULL << 4;	/* 16-bit VMIDs */
	c = compute(&id);
	assert_int_equal(c.vtcr, 1ULL << 19);
	id.mmfr1 = 0;		/* 8-bit */
	c = compute(&id);
	assert_int_equal(c.vtcr, 0);

	memset(&id, 0, sizeof(id));
	id.mmfr1 = 1ULL << 40;	/* HCX, no MOPS */
	c = compute(&id);
	assert_true(c.has_hcrx);
	assert_int_equal(c.hcrx, 0);
	memset(&id, 0, sizeof(id));
	id.isar2 = 1ULL << 16;	/* MOPS without HCX: no HCRX_EL2 to write */
	c = compute(&id);
	assert_false(c.has_hcrx);
	assert_int_equal(c.hcrx, 0);

	memset(&id, 0, sizeof(id));
	id.mmfr0 = 1ULL << 56;	/* FGT */
	c = compute(&id);
	assert_true(c.has_fgt);
	assert_false(c.has_fgt2);
	assert_false(c.has_hcrx || c.has_mpam || c.has_trfcr);
	id.mmfr0 = 2ULL << 56;	/* FGT2 */
	c = compute(&id);
	assert_true(c.has_fgt && c.has_fgt2);

	memset(&id, 0, sizeof(id));
	id.pfr1 = 1ULL << 16;	/* MPAM v0.1 (MPAM_frac only) */
	c = compute(&id);
	assert_true(c.has_mpam);
	assert_int_equal(c.mpam2, (1ULL << 48) | (1ULL << 49));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_features),
		cmocka_unit_test(test_every_feature),
		cmocka_unit_test(test_one_feature_each),
	};

	return cmocka_run_group_tests_name("el2_config", tests, NULL, NULL);
}
