// SPDX-License-Identifier: MIT
/*
 * The hypervisor side of the software stage-1 walker (emul/at.c): the
 * vCPU's EL1&0 registers, descriptor reads from the VM's RAM, and the
 * MOAT_HC_AT_TRANSLATE hypercall. Called on the vCPU's own CPU with its
 * EL1 context loaded (HCR_EL2.E2H = 0: *_EL1 accesses at EL2 reach the
 * guest's registers).
 */
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/esr.h"
#include "moat/hypercall.h"
#include "core/vm.h"
#include "emul/at.h"
#include "emul/at_regs.h"
#include "mm/pgtable.h"

/*
 * A descriptor IPA outside the VM's RAM is a stage-2 translation fault,
 * reported at the level where the VM's stage-2 walk stops. RAM is one
 * block owned by the VM, read directly (a page not yet mapped in stage 2
 * is still the VM's RAM: no fault).
 */
static int glue_read_desc(void *arg, u64 ipa, u64 *desc)
{
	struct vm *vm = arg;
	u64 pte;
	u32 level = 0;

	if (vm_ipa_in_ram(vm, ipa_init(ipa), 8)) {
		*desc = READ_ONCE(*(u64 *)vm_ram_ptr(vm, ipa_init(ipa)));
		return 0;
	}
	if (pgt_lookup(&vm->s2, ipa, &pte, &level))
		level = 0;
	return AT_S2_FAULT(ESR_ELx_FSC_FAULT + (level & 3));
}

/* Hardware Access-flag update (only with TCR_EL1.HA and FEAT_HAFDBS): compare-and-swap in RAM. */
static int glue_update_desc(void *arg, u64 ipa, u64 old, u64 new_desc)
{
	struct vm *vm = arg;

	if (!vm_ipa_in_ram(vm, ipa_init(ipa), 8))
		return AT_S2_FAULT(ESR_ELx_FSC_FAULT);
	u64 *p = vm_ram_ptr(vm, ipa_init(ipa));
	return __atomic_compare_exchange_n(p, &old, new_desc, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST) ? 0 : AT_DESC_CHANGED;
}

void vcpu_at_mem(struct vcpu *v, struct at_mem *mem)
{
	*mem = (struct at_mem){ glue_read_desc, glue_update_desc, v->vm };
}

void vcpu_at_regs(const struct vcpu *v, struct at_regs *regs)
{
	*regs = (struct at_regs){
		.sctlr = read_sysreg(sctlr_el1),
		.tcr = read_sysreg(tcr_el1),
		.ttbr0 = read_sysreg(ttbr0_el1),
		.ttbr1 = read_sysreg(ttbr1_el1),
		.mair = read_sysreg(mair_el1),
		.pstate = v->ctx.pstate,
		/* What the VM reads: moat hides LO/VH/NV only, none of which the walker uses. */
		.mmfr0 = read_sysreg(id_aa64mmfr0_el1),
		.mmfr1 = read_sysreg(id_aa64mmfr1_el1),
		.mmfr2 = read_sysreg(id_aa64mmfr2_el1),
	};
}

s64 at_hc_translate(struct vcpu *v, u64 va, u64 op)
{
	struct at_mem mem;
	struct at_regs regs;

	if (op >= AT_OP_NR)
		return SMCCC_RET_INVALID_PARAMETER;
	vcpu_at_mem(v, &mem);
	vcpu_at_regs(v, &regs);
	return (s64)at_translate(&regs, &mem, va, (enum at_op)op);
}

/*
 * AT S1E1{R,W,RP,WP} and S1E0{R,W} trapped by HCR_EL2.AT (set only when the
 * CPU has FEAT_NV, where a nested hypervisor's guest could otherwise use
 * the real instruction on state moat does not own): the software walk's
 * result goes to the guest's PAR_EL1, as the instruction would leave it.
 */
bool at_trap_emulate(struct vcpu *v, enum at_op op, u64 va)
{
	struct at_mem mem;
	struct at_regs regs;

	if (op >= AT_OP_NR)
		return false;
	vcpu_at_mem(v, &mem);
	vcpu_at_regs(v, &regs);
	write_sysreg(par_el1, at_translate(&regs, &mem, va, op));
	return true;
}
