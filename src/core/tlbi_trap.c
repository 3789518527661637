// SPDX-License-Identifier: MIT
/*
 * Trapped TLB maintenance: the guest's TLBI, decoded and checked by
 * emul/tlbi.c, issued again at EL2 while the guest's VTTBR_EL2 (its VMID)
 * and EL1 registers are in the CPU, so the instruction acts on exactly the
 * translation regime it would have acted on untrapped.
 */
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/tlb.h"
#include "core/esr.h"
#include "core/tlbi_trap.h"
#include "core/vm.h"
#include "emul/sysreg.h"
#include "lib/log.h"
#include "lib/printf.h"

#define HCR_EL2_TTLBIS	BIT(54)
#define HCR_EL2_TTLBOS	BIT(55)

#define SYS_ID(crm, op2) ((u32)ESR_ELx_SYS64_REG(3, 0, 0, crm, op2))

u64 tlbi_trap_hcr(enum vm_trap_tlbi mode)
{
	u64 hcr = HCR_EL2_TTLB;

	if (mode == VM_TRAP_TLBI_OFF)
		return 0;
	/*
	 * TTLB alone traps every EL1 TLBI. TTLBIS and TTLBOS (FEAT_EVT) trap
	 * the IS and OS forms by themselves; they are set too where they
	 * exist, so the broadcast forms stay trapped whatever else changes
	 * in this VM's HCR_EL2.
	 */
	if (FIELD_GET(ID_AA64MMFR2_EL1_EVT, read_sysreg(id_aa64mmfr2_el1)) >= ID_AA64MMFR2_EL1_EVT_TTLBXS)
		hcr |= HCR_EL2_TTLBIS | HCR_EL2_TTLBOS;
	return hcr;
}

/*
 * What the guest is shown (its view of the ID registers, read once per VM:
 * vCPUs racing here compute the same value) and its live TCR_EL1.AS.
 */
static void guest_features(struct vm *vm, struct tlbi_features *f)
{
	if (!vm->tlbi.id_ready) {
		tlbi_features_from_id(&vm->tlbi.id,
				      sysreg_sanitise_id(SYS_ID(6, 0), read_sysreg(id_aa64isar0_el1)),
				      sysreg_sanitise_id(SYS_ID(6, 1), read_sysreg(id_aa64isar1_el1)),
				      sysreg_sanitise_id(SYS_ID(7, 0), read_sysreg(id_aa64mmfr0_el1)),
				      sysreg_sanitise_id(SYS_ID(7, 2), read_sysreg(id_aa64mmfr2_el1)),
				      TCR_EL1_AS);
		__atomic_store_n(&vm->tlbi.id_ready, true, __ATOMIC_RELEASE);
	}
	*f = vm->tlbi.id;
	f->asid16 = f->asid16 && (read_sysreg(tcr_el1) & TCR_EL1_AS);
}

bool tlbi_trap(struct vcpu *v, u32 enc, u64 operand)
{
	struct vm *vm = v->vm;
	struct tlbi_features f;
	struct tlbi_insn t, r;
	u32 crn, crm, op2;
	u64 arg;

	guest_features(vm, &f);
	if (tlbi_decode(enc, &f, &t)) {
		__atomic_fetch_add(&vm->tlbi.stats.undef, 1, __ATOMIC_RELAXED);
		return false;
	}
	__atomic_fetch_add(&vm->tlbi.stats.op[t.op], 1, __ATOMIC_RELAXED);
	/*
	 * Safe: whatever was asked, all of the VM's EL1&0 entries on every
	 * CPU. Inner Shareable covers an OS request too: every CPU that can
	 * run this VM's vCPUs is in moat's Inner Shareable domain.
	 */
	if (vm->cfg->trap_tlbi == VM_TRAP_TLBI_SAFE) {
		tlbi_vmalle1is(vm->vttbr);
		return true;
	}
	arg = tlbi_sanitise(&t, &f, operand, &r);
	/*
	 * With HCR_EL2.FB the CPU broadcasts a guest's non-shareable TLBI
	 * (so a vCPU that moves between CPUs leaves nothing stale behind);
	 * EL2's own TLBIs are not forced, so the replay is made IS here.
	 */
	if (r.shr == TLBI_SHR_NSH && (vm->hcr & HCR_EL2_FB))
		r.shr = TLBI_SHR_IS;
	tlbi_encode(&r, &crn, &crm, &op2);
	if (tlbi_el1_sys(vm->vttbr, crn, crm, op2, arg,
			 r.shr == TLBI_SHR_NSH ? TLB_DSB_NSH :
			 r.shr == TLBI_SHR_OS ? TLB_DSB_OSH : TLB_DSB_ISH)) {
		/* Cannot happen (the decoder only returns the 60 forms): fail safe, not silent. */
		vcpu_log(v, LOG_ERR, "TLBI CRn=%u CRm=%u op2=%u has no replay: VMALLE1IS instead", crn, crm, op2);
		tlbi_vmalle1is(vm->vttbr);
	}
	return true;
}

void tlbi_trap_report(const struct vm *vm)
{
	const struct tlbi_stats *s = &vm->tlbi.stats;
	char line[256];
	size_t len = 0;
	u64 total = s->undef;

	for (u32 i = 0; i < TLBI_OP_NR; i++) {
		total += s->op[i];
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %llu, ", tlbi_op_info[i].name,
					(unsigned long long)s->op[i]);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	if (vm->cfg->trap_tlbi == VM_TRAP_TLBI_OFF && !total)
		return;
	/* Not "NAME: ...": that is how the VM's own console lines look, and a guest must not forge this. */
	log_info("VM '%s': trapped TLBIs (%s): %sundef %llu", vm->name,
		 vm->cfg->trap_tlbi == VM_TRAP_TLBI_SAFE ? "safe" :
		 vm->cfg->trap_tlbi == VM_TRAP_TLBI_PRECISE ? "precise" : "not configured",
		 line, (unsigned long long)s->undef);
}
