// SPDX-License-Identifier: MIT
/*
 * Only translation, access flag and permission faults with a valid FAR
 * (FnV = 0) leave HPFAR_EL2 and FAR_EL2 meaningful enough to find the IPA
 * the guest touched; they are the faults moat's stage-2 produces for
 * emulated devices and for addresses outside the VM. Every other fault
 * code (alignment, unsupported exclusive or atomic, TLB conflict, a
 * synchronous external abort, ...) says the access itself cannot complete,
 * and the guest gets an abort for it.
 *
 * Cache maintenance (ISS.CM) by VA that faults at stage 2 targets an
 * emulated device or nothing: moat's devices have no cache to maintain, so
 * the architecture lets it complete the instruction without effect. Not
 * so when the fault is on the guest's own stage-1 walk (S1PTW): an AT or
 * DC whose tables lie in emulated MMIO or outside the VM has no
 * translation to complete with, and gets the abort a walk there gets.
 */
#include "core/dabt.h"
#include "core/esr.h"

static bool dabt_fsc_emulable(u32 fsc)
{
	switch (FIELD_GET(ESR_ELx_xFSC_TYPE, fsc) << 2) {
	case ESR_ELx_FSC_FAULT:
	case ESR_ELx_FSC_ACCESS:
	case ESR_ELx_FSC_PERM:
		return true;
	default:
		return fsc == ESR_ELx_FSC_FAULT_LM1;
	}
}

enum dabt_action dabt_classify(u64 esr)
{
	u32 fsc = (u32)FIELD_GET(ESR_ELx_DFSC, esr);

	if (esr_ec(esr) != ESR_ELx_EC_DABT_LOW || (esr & ESR_ELx_FnV) || !dabt_fsc_emulable(fsc))
		return DABT_ABORT;
	return ((esr & ESR_ELx_CM) && !(esr & ESR_ELx_S1PTW)) ? DABT_SKIP_CM : DABT_EMULATE;
}
