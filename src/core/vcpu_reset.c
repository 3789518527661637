// SPDX-License-Identifier: MIT
/*
 * The state a vCPU starts with after PSCI CPU_ON or SYSTEM_RESET: what a
 * CPU coming out of reset has, with x0 = the context id and the PC at the
 * entry point. Nothing of the previous life survives, in particular not a
 * virtual SError still pending in HCR_EL2.VSE, nor an unlocked OS lock.
 */
#include "arch/regs.h"
#include "core/vm.h"

void vcpu_reset_regs(struct vcpu *v)
{
	for (unsigned int i = 0; i < 31; i++)
		v->ctx.x[i] = 0;
	v->ctx.x[0] = v->context_id;
	v->ctx.pc = v->entry;
	v->ctx.pstate = PSR_MODE_EL1h | PSR_DAIF;
	v->sys = (struct el1_sysregs){ .sctlr = SCTLR_EL1_RES1 };
	v->fp = (struct fpsimd_state){ 0 };
	v->fp_live = false;
	v->hcr = v->vm->hcr;
	debug_reset(&v->dbg);
	pmu_reset(&v->pmu);
	v->ich_vmcr = 0;
	for (unsigned int i = 0; i < 4; i++)
		v->ich_ap0r[i] = v->ich_ap1r[i] = 0;
}
