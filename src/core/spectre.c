// SPDX-License-Identifier: MIT
/*
 * The guest trains the branch predictor; moat's exit path must not be
 * steered by it. CSV2 says branch targets trained in one context (EL, VMID)
 * cannot steer another, which covers Spectre-v2; ECBHB says the branch
 * history cannot either (Spectre-BHB). What is missing is made up for, in
 * this order of preference: CLRBHB (FEAT_CLRBHB, a hint, cheap) clears the
 * history where CSV2 already covers the targets; otherwise the firmware's
 * ARCH_WORKAROUND_3 (both), then ARCH_WORKAROUND_1 (targets only), if it
 * says the CPU needs and it implements them (ARCH_FEATURES returns 0).
 */
#include "arch/percpu.h"
#include "arch/regs.h"
#include "moat/hypercall.h"
#include "core/spectre.h"

/* ARCH_FEATURES 1 (UNAFFECTED) and NOT_REQUIRED: the firmware says this CPU is not affected. */
static bool fw_unaffected(s64 ret)
{
	return ret == 1 || ret == SMCCC_RET_NOT_REQUIRED;
}

u32 spectre_choose(const struct spectre_inputs *in, bool *unmitigated)
{
	bool v2_safe = FIELD_GET(ID_AA64PFR0_EL1_CSV2, in->pfr0) != 0 || fw_unaffected(in->fw_wa1);
	bool bhb_safe = FIELD_GET(ID_AA64MMFR1_EL1_ECBHB, in->mmfr1) != 0 || fw_unaffected(in->fw_wa3);

	*unmitigated = false;
	if (v2_safe && bhb_safe)
		return SPECTRE_MIT_NONE;
	if (v2_safe && FIELD_GET(ID_AA64ISAR2_EL1_CLRBHB, in->isar2))
		return SPECTRE_MIT_CLRBHB;
	if (in->fw_wa3 == SMCCC_RET_SUCCESS)
		return SPECTRE_MIT_FW_WA3;
	if (!v2_safe && in->fw_wa1 == SMCCC_RET_SUCCESS) {
		*unmitigated = !bhb_safe;	/* the targets are covered, the history is not */
		return SPECTRE_MIT_FW_WA1;
	}
	/* Nothing the CPU or firmware offers (a branch loop per MIDR is not done). */
	*unmitigated = true;
	return SPECTRE_MIT_NONE;
}

bool spectre_wa2_forward(u64 x1)
{
	/* An SMC32 function: only w1 counts, the upper half of x1 is ignored. */
	return (u32)x1 != 0;
}
