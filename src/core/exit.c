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
#include "core/dabt.h"
#include "core/host.h"
#include "core/hosted.h"
#include "core/irq.h"
#include "core/mmio_emulate.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "emul/at.h"
#include "lib/err.h"
#include "lib/log.h"

typedef void (*exit_handler_fn)(struct vcpu *v);

static void handle_undef(struct vcpu *v)
{
	vcpu_log(v, LOG_WARN, "%s at PC 0x%llx (ESR 0x%llx): undefined instruction injected",
			esr_ec_name(esr_ec(v->ctx.esr)),
			(unsigned long long)v->ctx.pc, (unsigned long long)v->ctx.esr);
	vcpu_inject_undef(v);
}

/* SMCCC owner of a function ID: 0 Arm architecture, 4 standard (PSCI); moat's own are 6 (see hypercall.h). */
static u8 hvc_reason(u64 x0)
{
	switch (((u32)x0 >> 24) & 0x3f) {
	case 4:
		return EXIT_R_HVC_PSCI;
	case 6:
		return EXIT_R_HVC_MOAT;
	default:
		return EXIT_R_HVC_ARCH;
	}
}

static void handle_hvc(struct vcpu *v)
{
	v->exit_reason = hvc_reason(v->ctx.x[0]);
	/* ELR already points past the HVC. */
	handle_smccc(v);
}

static void handle_smc(struct vcpu *v)
{
	v->exit_reason = EXIT_R_SMC;
	/* A trapped SMC leaves ELR at the SMC itself. */
	vcpu_skip_instr(v);
	handle_smccc(v);
}

static void handle_sys64(struct vcpu *v)
{
	v->exit_reason = EXIT_R_SYSREG;
	handle_sysreg(v);
}

/*
 * WFI is a hint that may complete at any time, so returning is always
 * correct. Without interrupt virtualisation, the one event worth waiting
 * for is the guest's own virtual timer: wait until it fires.
 */
static void handle_wfx(struct vcpu *v)
{
	vcpu_skip_instr(v);
	v->exit_reason = EXIT_R_WFE;
	if (FIELD_GET(ESR_ELx_WFx_TI, v->ctx.esr) == ESR_ELx_WFx_TI_WFI) {
		v->exit_reason = EXIT_R_WFI;
		vcpu_wait_for_interrupt(v);
	}
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	/* A hosted vCPU waits in its host's thread, not on this CPU (core/hosted.c). */
	if (v->vm->hosted) {
		if (v->power == VCPU_ON && !v->reset && !vgic_vcpu_pending(&v->vm->vgic, v->id))
			hosted_wfi(v);
		return;
	}
	for (;;) {
		if (v->power != VCPU_ON || v->reset || READ_ONCE(panic_in_progress))
			return;
		if (vgic_vcpu_pending(&v->vm->vgic, v->id))
			return;
		/* Wakes on any physical interrupt, masked or not: the timer, a kick. */
		wfi();
		irq_handle_pending(v);
	}
}

/* The A64 instruction at the guest's PC, read from its RAM (instructions are always little-endian). */
static int dabt_fetch_insn(struct vcpu *v, u32 *insn)
{
	struct at_mem mem;
	struct at_regs regs;
	u64 ipa;

	vcpu_at_mem(v, &mem);
	vcpu_at_regs(v, &regs);
	if (mmio_insn_ipa(&regs, &mem, v->ctx.pc, (v->ctx.pstate & PSR_MODE_MASK) == PSR_MODE_EL0t,
			  &ipa) || (ipa & 3) || !vm_ipa_in_ram(v->vm, ipa_init(ipa), 4))
		return -EFAULT;
	*insn = READ_ONCE(*(u32 *)vm_ram_ptr(v->vm, ipa_init(ipa)));
	return 0;
}

/* The stack pointer an A64 instruction names as SP: SP_EL1 in EL1h, SP_EL0 in EL1t and EL0t. */
static bool dabt_sp_is_el1(const struct vcpu *v)
{
	return (v->ctx.pstate & PSR_MODE_MASK) == PSR_MODE_EL1h;
}

/*
 * After an emulated access, with or without a syndrome: enabling or routing
 * an interrupt may wake another vCPU; a read of the UART makes room for
 * console input that was waiting. Then the instruction is done.
 */
static inline __attribute__((always_inline)) void mmio_access_done(struct vcpu *v,
								  const struct mmio_region *r, bool write)
{
	u32 reason = r->tag;	/* vm.c tags each region with its exit reason */

	v->exit_reason = (u8)reason;
	if (reason == EXIT_R_MMIO_UART) {
		console_flush_input();
	} else if (write) {
		if (reason == EXIT_R_MMIO_GICD || reason == EXIT_R_MMIO_GICR)
			vm_kick_mask(v->vm, vgic_take_kicks(&v->vm->vgic));
	}
	/* Only AArch64 gets here (handle_exit, exit_fast_dabt): every instruction is 4 bytes. */
	v->ctx.pc += 4;
	v->ctx.pstate &= ~(u64)PSR_SS;	/* its step is complete: as vcpu_skip_instr */
}

/* An access with a valid syndrome (@a) to region @r at @ipa; an error from the device is an external abort. */
static inline __attribute__((always_inline)) void dabt_emulate(struct vcpu *v, const struct mmio_region *r, u64 ipa,
			 const struct mmio_access *a)
{
	u64 val;

	if (a->write) {
		if (r->ops->write(r->priv, ipa - r->base, a->size, vcpu_reg(v, a->rt)))
			goto bad;
	} else {
		if (r->ops->read(r->priv, ipa - r->base, a->size, &val))
			goto bad;
		vcpu_set_reg(v, a->rt, mmio_load_result(a, val));
	}
	mmio_access_done(v, r, a->write);
	return;
bad:
	v->exit_reason = EXIT_R_ABORT;
	vcpu_inject_ext_abort(v, v->ctx.far, false);
}

/*
 * ESR_EL2.ISV = 0 in an emulated region (pair, writeback, ...): fetch the
 * instruction through the guest's stage-1, decode it, perform it on the
 * device element by element, write the registers back and skip it. What
 * cannot be emulated (exclusive, atomic, SIMD&FP, an access leaving the
 * region, the guest's own page tables in a device) gets an external abort.
 */
static void handle_dabt_no_syndrome(struct vcpu *v, const struct mmio_region *r, u64 ipa)
{
	struct insn_ls ls;
	struct insn_regs regs;
	u32 insn = 0;
	int rc;

	if (v->ctx.esr & ESR_ELx_S1PTW) {
		vcpu_log(v, LOG_WARN, "stage-1 table walk into %s at 0x%llx (PC 0x%llx): "
				"external abort injected", r->name,
				(unsigned long long)ipa, (unsigned long long)v->ctx.pc);
		goto abort;
	}
	if ((v->ctx.pstate & PSR_nRW) || dabt_fetch_insn(v, &insn)) {
		vcpu_log(v, LOG_WARN, "access to %s at 0x%llx with no syndrome, instruction "
				"at PC 0x%llx not readable: external abort injected", r->name, (unsigned long long)ipa, (unsigned long long)v->ctx.pc);
		goto abort;
	}
	rc = insn_decode_ls(insn, &ls);
	if (rc) {
		vcpu_log(v, LOG_WARN, "instruction 0x%08x at PC 0x%llx accessing %s at 0x%llx "
				"is not an emulated load/store: external abort injected", insn, (unsigned long long)v->ctx.pc, r->name, (unsigned long long)ipa);
		goto abort;
	}
	for (u32 i = 0; i < 31; i++)
		regs.x[i] = v->ctx.x[i];
	regs.sp = 0;
	if (ls.rn == 31)
		regs.sp = dabt_sp_is_el1(v) ? read_sysreg(sp_el1) : read_sysreg(sp_el0);
	rc = mmio_emulate_ls(&ls, &regs, v->ctx.far, ipa, r);
	if (rc) {
		vcpu_log(v, LOG_WARN, "instruction 0x%08x at PC 0x%llx (FAR 0x%llx) cannot be "
				"emulated on %s (%s): external abort injected", insn,
				(unsigned long long)v->ctx.pc, (unsigned long long)v->ctx.far, r->name, err_name(rc));
		goto abort;
	}
	for (u32 i = 0; i < 31; i++)
		v->ctx.x[i] = regs.x[i];
	if (ls.writeback && ls.rn == 31) {
		if (dabt_sp_is_el1(v))
			write_sysreg(sp_el1, regs.sp);
		else
			write_sysreg(sp_el0, regs.sp);
	}
	mmio_access_done(v, r, !ls.load);
	return;
abort:
	vcpu_inject_ext_abort(v, v->ctx.far, false);
}

/*
 * The permission-fault slow path when the hardware AT failed: the software
 * walker decides. A valid translation gives the IPA (0); anything else
 * sends the guest back to retry the access (-EAGAIN), counted: a stage-1
 * fault is then taken by the guest itself, a walk outside its memory comes
 * back as a stage-2 fault on the walk. (A stage-2 fault on a walk through
 * guest RAM, a page to fault in, cannot happen: moat maps all RAM eagerly,
 * and the walker reads RAM directly.)
 */
static int dabt_perm_ipa_sw(struct vcpu *v, u64 *ipa)
{
	struct at_mem mem;
	struct at_regs regs;
	struct at_result res;

	vcpu_at_mem(v, &mem);
	vcpu_at_regs(v, &regs);
	at_walk(&regs, &mem, v->ctx.far, AT_S1E1R, &res);
	if (res.fault) {
		v->stats.at_retries++;
		return -EAGAIN;
	}
	*ipa = res.oa;
	return 0;
}

/*
 * Stage-2 fault: emulated MMIO, or an access outside what the VM was given.
 * Only the fault codes dabt_classify() accepts are looked at further.
 */
static void handle_dabt(struct vcpu *v)
{
	u64 esr = v->ctx.esr;
	u64 ipa = (FIELD_GET(HPFAR_EL2_FIPA, v->ctx.hpfar) << 12) | (v->ctx.far & 0xfff);
	u32 fsc = (u32)FIELD_GET(ESR_ELx_DFSC, esr);
	const struct mmio_region *r;
	struct mmio_access a;
	enum dabt_action act = dabt_classify(esr);

	if (act == DABT_ABORT) {
		vcpu_log(v, LOG_WARN, "data abort %s (ESR 0x%llx) at PC 0x%llx: external abort injected",
				esr_fsc_name(fsc), (unsigned long long)esr, (unsigned long long)v->ctx.pc);
		vcpu_inject_ext_abort(v, v->ctx.far, false);
		return;
	}

	/*
	 * HPFAR_EL2 is not valid for a permission fault that is not on a
	 * stage-1 walk: recover the IPA by translating FAR with the guest's
	 * own stage-1. When the hardware AT fails (the guest changed its
	 * tables meanwhile, or they lie where AT at EL2 cannot walk), the
	 * software walker decides: its IPA, or the guest retries the access
	 * rather than moat looping here.
	 */
	if ((fsc & ~3u) == ESR_ELx_FSC_PERM && !(esr & ESR_ELx_S1PTW)) {
		u64 par, saved = read_sysreg(par_el1);

		at_s1e1r(v->ctx.far);
		isb();
		par = read_sysreg(par_el1);
		write_sysreg(par_el1, saved);
		if (!(par & PAR_EL1_F))
			ipa = (par & PAR_EL1_PA) | (v->ctx.far & 0xfff);
		else if (dabt_perm_ipa_sw(v, &ipa))
			return;
	}

	r = mmio_bus_find(&v->vm->mmio, ipa);
	/* A hosted VM's devices other than its vGIC are its host's (MOAT_EXIT_MMIO). */
	if (!r && v->vm->hosted) {
		hosted_mmio_exit(v, ipa);
		return;
	}
	if (!r && v->vm->host) {
		host_stage2_abort(v, ipa, (esr & ESR_ELx_WnR) ? MEM_ACCESS_WRITE : MEM_ACCESS_READ);
		return;
	}
	if (!r) {
		vcpu_log(v, LOG_WARN, "%s of IPA 0x%llx outside its memory at PC 0x%llx: "
				"external abort injected", (esr & ESR_ELx_WnR) ? "write" : "read", (unsigned long long)ipa,
				(unsigned long long)v->ctx.pc);
		vcpu_inject_ext_abort(v, v->ctx.far, false);
		return;
	}
	if (act == DABT_SKIP_CM) {
		v->exit_reason = EXIT_R_MMIO_OTHER;
		vcpu_skip_instr(v);
		return;
	}
	if (mmio_decode_iss(esr, &a)) {
		handle_dabt_no_syndrome(v, r, ipa);
		return;
	}
	dabt_emulate(v, r, ipa, &a);
}

/*
 * The fast path for a data abort (called from guest_exit_SYNC with every
 * guest register, ELR, SPSR and the syndrome in @ctx, before the run
 * loop's list-register sync): a load or store with a valid syndrome that
 * took a stage-2 translation fault — how an emulated device's page faults
 * — from AArch64, on one of the VM's emulated devices, is done here and
 * the guest resumes at once. Only when the sync has nothing to do (no list
 * register in use, hence no maintenance interrupt asked for either: the
 * flush asks for one only when it fills them all; no forwarded timer to
 * resample): a vGIC register read must see what the guest did to its
 * interrupts, and the device models assume it. What the access changed in
 * the vGIC is flushed here, as the loop would before the next entry. The
 * last device hit is remembered per vCPU (drivers poll one device at a
 * time). Returns false, having changed nothing, for anything else: the
 * full exit then handles it.
 */
#define FAST_DABT_MASK	(ESR_ELx_ISV | ESR_ELx_FnV | ESR_ELx_CM | ESR_ELx_S1PTW | 0x3cu)
#define FAST_DABT_MATCH	(ESR_ELx_ISV | ESR_ELx_FSC_FAULT)

int exit_fast_dabt(struct guest_ctx *ctx)
{
	struct vcpu *v = container_of(ctx, struct vcpu, ctx);
	u64 esr = ctx->esr, ipa, val;
	u32 rt = (u32)FIELD_GET(ESR_ELx_SRT, esr), size = 1u << FIELD_GET(ESR_ELx_SAS, esr), reason;
	const struct mmio_region *r;
	struct mmio_access a;
	int err;

	/* x20..x29 are not in @ctx yet (guest_entry.S): an access through them takes the full exit. */
	if ((esr & FAST_DABT_MASK) != FAST_DABT_MATCH || rt - 20 < 10 ||
	    (ctx->pstate & PSR_nRW) || v->lrs_used || v->timer_fwd)
		return FAST_DECLINED;
	ipa = (FIELD_GET(HPFAR_EL2_FIPA, ctx->hpfar) << 12) | (ctx->far & 0xfff);
	r = v->mmio_last;
	if (!r || ipa - r->base >= r->size) {
		r = mmio_bus_find(&v->vm->mmio, ipa);
		if (!r)
			return FAST_DECLINED;
		v->mmio_last = r;
	}
	if (esr & ESR_ELx_WnR) {
		err = r->ops->write(r->priv, ipa - r->base, size, vcpu_reg(v, rt));
	} else {
		err = r->ops->read(r->priv, ipa - r->base, size, &val);
		/* Decode the load again from the syndrome rather than keep its fields across the call. */
		__asm__("" : "+r"(esr));
		mmio_decode_iss(esr, &a);
		if (!err)
			vcpu_set_reg(v, a.rt, mmio_load_result(&a, val));
	}
	if (err) {
		reason = EXIT_R_ABORT;
		v->exit_reason = (u8)reason;
		vcpu_inject_ext_abort(v, ctx->far, false);
	} else {
		reason = r->tag;
		mmio_access_done(v, r, esr & ESR_ELx_WnR);
	}
	if (READ_ONCE(v->vm->vgic.gen) != v->vgic_gen)
		vcpu_vgic_flush(v);
	if (EXIT_STATS)
		v->xstats.fast[reason]++;
	/*
	 * The run loop looks when the VM may have stopped (an abort injected
	 * into a guest whose vector faults stops it) or, for a hosted VM, a
	 * vGIC write may have kicked its host's vCPU, which runs on this CPU:
	 * the loop hands the CPU back (vcpu_loop).
	 */
	if (err || ((esr & ESR_ELx_WnR) && v->vm->hosted))
		return FAST_LOOP;
	return FAST_RESUME;
}

/*
 * The fast path for an interrupt exit (called from guest_exit_IRQ like
 * exit_fast_dabt): the virtual timer firing again (vcpu_vtimer_refire).
 * Anything else, or a timer the fast path cannot take, goes the full way.
 */
int exit_fast_irq(struct guest_ctx *ctx)
{
	struct vcpu *v = container_of(ctx, struct vcpu, ctx);

	if (!vcpu_vtimer_refire(v))
		return FAST_DECLINED;
	/* Interrupts time out waiting VM lines (irq_handle_pending); so does this one. */
	console_poll();
	v->exit_reason = EXIT_R_IRQ;
	if (EXIT_STATS)
		v->xstats.fast[EXIT_R_IRQ]++;
	return FAST_RESUME;
}

static void handle_iabt(struct vcpu *v)
{
	if (v->vm->host) {
		host_stage2_abort(v, FIELD_GET(HPFAR_EL2_FIPA, v->ctx.hpfar) << 12, MEM_ACCESS_EXEC);
		return;
	}
	vcpu_log(v, LOG_WARN, "instruction fetch from IPA 0x%llx (PC 0x%llx) outside "
			"its memory: prefetch abort injected", (unsigned long long)(FIELD_GET(HPFAR_EL2_FIPA, v->ctx.hpfar) << 12),
			(unsigned long long)v->ctx.pc);
	vcpu_inject_ext_abort(v, v->ctx.far, true);
}

static void handle_fp(struct vcpu *v)
{
	v->exit_reason = EXIT_R_FP;
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
	vcpu_log(v, LOG_WARN, "SError (ESR 0x%llx) at PC 0x%llx: virtual SError injected",
			(unsigned long long)v->ctx.esr, (unsigned long long)v->ctx.pc);
	/* VSESR_EL2 exists only with FEAT_RAS; without it the syndrome is IMPLEMENTATION DEFINED. */
	if (FIELD_GET(ID_AA64PFR0_EL1_RAS, read_sysreg(id_aa64pfr0_el1)))
		write_sysreg_s("s3_4_c5_c2_3", v->ctx.esr & GENMASK(24, 0));	/* VSESR_EL2 */
	/* The CPU clears VSE when the guest takes it. */
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_EL2_VSE);
}

/*
 * moat offers no AArch32 state (ID_AA64PFR0_EL1.EL0 = EL1 = 1, HCR_EL2.RW
 * = 1), but on a CPU that has AArch32 EL0 a guest kernel can still return
 * to it. Nothing it traps is emulated there: skipping a T32 instruction
 * would also have to advance ITSTATE. The guest gets the exception it
 * would get without moat's help.
 */
static void handle_aarch32(struct vcpu *v)
{
	u32 ec = esr_ec(v->ctx.esr);

	v->exit_reason = EXIT_R_OTHER;
	vcpu_log(v, LOG_WARN, "%s from AArch32 EL0 at PC 0x%llx (ESR 0x%llx): not emulated, "
			"%s injected", esr_ec_name(ec), (unsigned long long)v->ctx.pc,
			(unsigned long long)v->ctx.esr,
			ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_IABT_LOW ? "abort" : "undefined instruction");
	if (ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_IABT_LOW)
		vcpu_inject_ext_abort(v, v->ctx.far, ec == ESR_ELx_EC_IABT_LOW);
	else
		vcpu_inject_undef(v);
}

void handle_exit(struct vcpu *v, u64 kind)
{
	exit_handler_fn h;

	/* Handlers that know better say which reason this was. */
	v->exit_reason = EXIT_R_ABORT;
	switch (kind) {
	case EXIT_SYNC:
		if (v->ctx.pstate & PSR_nRW) {
			handle_aarch32(v);
			break;
		}
		h = sync_handlers[esr_ec(v->ctx.esr)];
		if (!h)
			v->exit_reason = EXIT_R_OTHER;
		(h ? h : handle_undef)(v);
		break;
	case EXIT_IRQ:
	case EXIT_FIQ:
		v->exit_reason = EXIT_R_IRQ;
		irq_handle_pending(v);
		break;
	case EXIT_SERROR:
		v->exit_reason = EXIT_R_SERROR;
		handle_serror(v);
		break;
	case EXIT_DONE:
		/* A fast path handled and counted it: the slot nobody sees. */
		v->exit_reason = EXIT_R_NR;
		break;
	}
}
