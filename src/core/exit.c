// SPDX-License-Identifier: MIT
/*
 * Exit dispatch: one table keyed by the exception class. Each handler
 * finishes the exit: it advances the PC, emulates, or injects the
 * architectural exception. A guest can never make moat panic.
 */
#include "arch/guest_ctx.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/barrier.h"
#include "core/panic.h"
#include "core/esr.h"
#include "core/exit.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "lib/log.h"

typedef void (*exit_handler_fn)(struct vcpu *v);

static void handle_undef(struct vcpu *v)
{
	log_ratelimited(LOG_WARN, "%s: vCPU %u: %s at PC 0x%llx (ESR 0x%llx): undefined instruction injected",
			v->vm->name, v->id, esr_ec_name(esr_ec(v->ctx.esr)),
			(unsigned long long)v->ctx.pc, (unsigned long long)v->ctx.esr);
	vcpu_inject_undef(v);
}

static void handle_hvc(struct vcpu *v)
{
	v->stats.hvc++;
	/* ELR already points past the HVC. */
	handle_smccc(v);
}

static void handle_smc(struct vcpu *v)
{
	v->stats.smc++;
	/* A trapped SMC leaves ELR at the SMC itself. */
	vcpu_skip_instr(v);
	handle_smccc(v);
}

static void handle_sys64(struct vcpu *v)
{
	v->stats.sysreg++;
	handle_sysreg(v);
}

/*
 * WFI is a hint that may complete at any time, so returning is always
 * correct. Without interrupt virtualisation, the one event worth waiting
 * for is the guest's own virtual timer: wait until it fires.
 */
static void handle_wfx(struct vcpu *v)
{
	v->stats.wfx++;
	vcpu_skip_instr(v);
	if (FIELD_GET(ESR_ELx_WFx_TI, v->ctx.esr) == ESR_ELx_WFx_TI_WFI)
		vcpu_wait_for_interrupt(v);
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	for (;;) {
		if (v->power != VCPU_ON || v->reset || READ_ONCE(panic_in_progress))
			return;
		vcpu_timer_sync(v);
		if (vgic_vcpu_pending(&v->vm->vgic, v->id))
			return;
		/* Wakes on any physical interrupt, masked or not: the timer, a kick. */
		wfi();
		irq_handle_pending(v);
	}
}

/* Stage-2 fault: emulated MMIO, or an access outside what the VM was given. */
static void handle_dabt(struct vcpu *v)
{
	u64 esr = v->ctx.esr;
	u64 ipa = (FIELD_GET(HPFAR_EL2_FIPA, v->ctx.hpfar) << 12) | (v->ctx.far & 0xfff);
	u32 fsc = (u32)FIELD_GET(ESR_ELx_DFSC, esr);
	const struct mmio_region *r;
	struct mmio_access a;
	u64 val;

	/*
	 * HPFAR_EL2 is not valid for a permission fault that is not on a
	 * stage-1 walk: recover the IPA by translating FAR with the guest's
	 * own stage-1. If the guest changed its tables meanwhile, AT fails:
	 * let the guest retry the access rather than loop here.
	 */
	if ((fsc & ~3u) == ESR_ELx_FSC_PERM && !(esr & ESR_ELx_S1PTW)) {
		u64 par, saved = read_sysreg(par_el1);

		__asm__ volatile("at s1e1r, %0" :: "r"(v->ctx.far));
		isb();
		par = read_sysreg(par_el1);
		write_sysreg(par_el1, saved);
		if (par & PAR_EL1_F) {
			v->stats.at_retries++;
			return;
		}
		ipa = (par & PAR_EL1_PA) | (v->ctx.far & 0xfff);
	}

	r = mmio_bus_find(&v->vm->mmio, ipa);
	if (!r) {
		log_ratelimited(LOG_WARN, "%s: vCPU %u: %s of IPA 0x%llx outside its memory at PC 0x%llx: "
				"external abort injected", v->vm->name, v->id,
				(esr & ESR_ELx_WnR) ? "write" : "read", (unsigned long long)ipa,
				(unsigned long long)v->ctx.pc);
		vcpu_inject_ext_abort(v, v->ctx.far, false);
		return;
	}
	if (mmio_decode_iss(esr, &a)) {
		log_ratelimited(LOG_WARN, "%s: vCPU %u: access to %s at 0x%llx with no syndrome (PC 0x%llx): "
				"external abort injected", v->vm->name, v->id, r->name,
				(unsigned long long)ipa, (unsigned long long)v->ctx.pc);
		vcpu_inject_ext_abort(v, v->ctx.far, false);
		return;
	}
	v->stats.mmio++;
	if (a.write) {
		if (r->ops->write(r->priv, ipa - r->base, a.size, vcpu_reg(v, a.rt)))
			goto bad;
		/* Enabling or routing an interrupt may wake another vCPU. */
		if (r->ops == &vgic_dist_ops || r->ops == &vgic_redist_ops)
			vm_kick_mask(v->vm, vgic_take_kicks(&v->vm->vgic));
	} else {
		if (r->ops->read(r->priv, ipa - r->base, a.size, &val))
			goto bad;
		vcpu_set_reg(v, a.rt, mmio_load_result(&a, val));
	}
	/* The guest read its UART: console input waiting for room can go in. */
	if (r->ops == &vpl011_ops)
		console_flush_input();
	vcpu_skip_instr(v);
	return;
bad:
	vcpu_inject_ext_abort(v, v->ctx.far, false);
}

static void handle_iabt(struct vcpu *v)
{
	log_ratelimited(LOG_WARN, "%s: vCPU %u: instruction fetch from IPA 0x%llx (PC 0x%llx) outside "
			"its memory: prefetch abort injected", v->vm->name, v->id,
			(unsigned long long)(FIELD_GET(HPFAR_EL2_FIPA, v->ctx.hpfar) << 12),
			(unsigned long long)v->ctx.pc);
	vcpu_inject_ext_abort(v, v->ctx.far, true);
}

static void handle_fp(struct vcpu *v)
{
	vcpu_fpsimd_trap(v);
}

static const exit_handler_fn sync_handlers[ESR_ELx_EC_MAX + 1] = {
	[ESR_ELx_EC_WFx] = handle_wfx,
	[ESR_ELx_EC_FP_ASIMD] = handle_fp,
	[ESR_ELx_EC_HVC64] = handle_hvc,
	[ESR_ELx_EC_SMC64] = handle_smc,
	[ESR_ELx_EC_SYS64] = handle_sys64,
	[ESR_ELx_EC_DABT_LOW] = handle_dabt,
	[ESR_ELx_EC_IABT_LOW] = handle_iabt,
};

/*
 * An SError from the guest is its own (moat touches nothing of the guest's
 * that could fault asynchronously): report it and hand it back as a
 * virtual SError with the same syndrome.
 */
static void handle_serror(struct vcpu *v)
{
	log_ratelimited(LOG_WARN, "%s: vCPU %u: SError (ESR 0x%llx) at PC 0x%llx: virtual SError injected",
			v->vm->name, v->id, (unsigned long long)v->ctx.esr, (unsigned long long)v->ctx.pc);
	write_sysreg_s("s3_4_c5_c2_3", v->ctx.esr & GENMASK(24, 0));	/* VSESR_EL2 */
	/* The CPU clears VSE when the guest takes it. */
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_EL2_VSE);
}

void handle_exit(struct vcpu *v, u64 kind)
{
	exit_handler_fn h;

	switch (kind) {
	case EXIT_SYNC:
		h = sync_handlers[esr_ec(v->ctx.esr)];
		(h ? h : handle_undef)(v);
		break;
	case EXIT_IRQ:
	case EXIT_FIQ:
		v->stats.irq++;
		irq_handle_pending(v);
		break;
	case EXIT_SERROR:
		handle_serror(v);
		break;
	}
}
