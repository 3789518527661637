/* SPDX-License-Identifier: MIT */
/*
 * The world switch's register part. guest_enter() saves the hypervisor's
 * callee-saved registers on its own stack, loads the guest's general
 * registers and erets; an exit from the guest lands in guest_exit_*, which
 * stores the guest's registers back into the same struct guest_ctx and
 * returns from guest_enter() as if it were an ordinary call. SP_EL2 is
 * untouched by the guest, so it still points at the saved frame.
 */
#include "arch/asm.h"
#include "arch/percpu.h"
#include "arch/guest_ctx.h"


/*
 * The guest's general registers in the struct guest_ctx at x0, in halves:
 * a fast path in C (fast_c_call) leaves x20..x29 in the registers.
 */
	.macro ctx_store_x2_x19
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	stp	x18, x19, [x0, #16 * 9]
	.endm

	.macro ctx_store_x20_x29
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	.endm

	.macro ctx_load_x2_x19
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	.endm

	.macro ctx_load_x20_x29
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	.endm

	.macro ctx_store_x2_x29
	ctx_store_x2_x19
	ctx_store_x20_x29
	.endm

/*
 * Everything an exit leaves in the struct guest_ctx at x0: x2..x30 from the
 * registers, x0/x1 popped from the stack, ELR, SPSR and the syndrome.
 */
	.macro ctx_store_all
	ctx_store_x2_x29
	ctx_store_rest
	.endm

/* x30, x0/x1 from the stack, ELR, SPSR and the syndrome. */
	.macro ctx_store_rest
	ldp	x2, x3, [sp], #16
	str	x30, [x0, #16 * 15]
	stp	x2, x3, [x0]			/* guest x0, x1 */
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GCTX_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #GCTX_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #GCTX_HPFAR]
	.endm

	.macro ctx_load_x2_x30
	ctx_load_x2_x19
	ctx_load_x20_x29
	ldr	x30, [x0, #16 * 15]
	.endm

/*
 * A fast path in C, from an exit vector: x0 = the struct guest_ctx, the
 * guest's x0/x1 on the stack, the Spectre mitigation done (the C has
 * indirect branches). \fn gets the guest's state in the guest_ctx but for
 * x20..x29: C preserves those, so they stay live through the call and are
 * not reloaded (exit_fast_dabt declines an access through them). x19 keeps
 * the guest_ctx across the call (the guest's x19 is saved). If \fn returns
 * FAST_RESUME the guest resumes at the ELR and SPSR in the guest_ctx;
 * otherwise x20..x29 join the rest and the exit leaves guest_enter() as
 * \kind (FAST_DECLINED) or as EXIT_DONE (FAST_LOOP).
 */
	.macro fast_c_call fn, kind
	ctx_store_x2_x19
	ctx_store_rest
	mov	x19, x0
	bl	\fn
	cmp	w0, #FAST_RESUME
	b.ne	.Lfast_exit\@
	mov	x0, x19
	ldp	x1, x2, [x0, #GCTX_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ctx_load_x2_x19
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0]
	eret
	dsb	nsh				/* no speculation past the eret */
	isb
.Lfast_exit\@:
	/* Declined: the exit as it came; handled but for the loop: EXIT_DONE. */
	cmp	w0, #FAST_DECLINED
	mov	x1, #\kind
	mov	x2, #EXIT_DONE
	csel	x1, x1, x2, eq
	mov	x0, x19
	ctx_store_x20_x29
	mov	x0, x1
	b	guest_exit_return
	.endm

	.text
	.globl guest_enter
guest_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mrs	x1, tpidr_el2
	str	x0, [x1, #PCPU_GUEST_CTX]
	ldp	x1, x2, [x0, #GCTX_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ctx_load_x2_x30
	ldp	x0, x1, [x0]
	eret
	dsb	nsh				/* no speculation past the eret */
	isb

/*
 * Branch-predictor state the guest trained must not steer moat: before the
 * first indirect branch after an exit (the ret at the end of
 * guest_exit_common), do what this CPU needs (percpu.spectre_mit, chosen
 * at boot by core/spectre.c). x0 = this CPU's struct percpu, x1 is free;
 * x2, x3 are spilled around the SMC, which may clobber x0..x3 (SMCCC 1.1
 * preserves x4..x17). Only direct branches run before this.
 */
	.macro spectre_mitigate
	ldr	w1, [x0, #PCPU_SPECTRE]
	cbz	w1, .Lmit_done\@
	cmp	w1, #SPECTRE_MIT_CLRBHB
	b.ne	.Lmit_fw\@
	hint	#22				/* CLRBHB */
	isb
	b	.Lmit_done\@
.Lmit_fw\@:
	stp	x2, x3, [sp, #-16]!
	cmp	w1, #SPECTRE_MIT_FW_WA3
	mov	w0, #0x3fff			/* SMCCC_ARCH_WORKAROUND_3 = 0x80003fff */
	movk	w0, #0x8000, lsl #16
	b.eq	1f
	mov	w0, #0x8000			/* SMCCC_ARCH_WORKAROUND_1 = 0x80008000 */
	movk	w0, #0x8000, lsl #16
1:	smc	#0
	ldp	x2, x3, [sp], #16
	mrs	x0, tpidr_el2
.Lmit_done\@:
	.endm

	.macro guest_exit kind, code
	.globl guest_exit_\kind
guest_exit_\kind:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	spectre_mitigate
	ldr	x0, [x0, #PCPU_GUEST_CTX]
	mov	x1, #\code
	b	guest_exit_common
	.endm

/*
 * A synchronous exit first tries the fast path: an HVC whose function only
 * returns a constant (SMCCC_VERSION, MOAT_HC_NOP) is answered here, with
 * only the guest's x0/x1 spilled, no EL1 state touched, no indirect branch
 * and so no Spectre mitigation needed; it is counted in guest_ctx.fast_hvc.
 * Anything else goes on to the full exit with the guest's x0 unchanged.
 */
	.globl guest_exit_SYNC
guest_exit_SYNC:
	stp	x0, x1, [sp, #-16]!
	mrs	x1, esr_el2
	lsr	x1, x1, #ESR_EC_SHIFT
	cmp	x1, #ESR_EC_DABT_LOW		/* the commonest first: MMIO */
	b.eq	.Lfast_dabt
	cmp	x1, #ESR_EC_HVC64
	b.eq	.Lfast_hvc
	cmp	x1, #ESR_EC_SYS64
	b.eq	.Lfast_sysreg
	b	.Lsync_slow
.Lfast_hvc:
	mov	w1, #FAST_FID_SMCCC_VERSION
	cmp	w0, w1
	b.eq	.Lfast_version
	mov	w1, #(FAST_FID_MOAT_HC_NOP & 0xffff)
	movk	w1, #(FAST_FID_MOAT_HC_NOP >> 16), lsl #16
	cmp	w0, w1
	b.ne	.Lsync_slow
	mov	x0, #0
	b	.Lfast_done
.Lfast_version:
	mov	w0, #(FAST_SMCCC_VERSION_1_1 & 0xffff)
	movk	w0, #(FAST_SMCCC_VERSION_1_1 >> 16), lsl #16
.Lfast_done:
	str	x0, [sp]			/* the guest's x0 on return */
	mrs	x1, tpidr_el2
	ldr	x1, [x1, #PCPU_GUEST_CTX]
	ldr	x0, [x1, #GCTX_FAST_HVC]
	add	x0, x0, #1
	str	x0, [x1, #GCTX_FAST_HVC]
	ldp	x0, x1, [sp], #16
	eret					/* ELR_EL2 already points past the HVC */
	dsb	nsh				/* no speculation past the eret */
	isb
/*
 * MRS of an ID register: the value comes from guest_ctx.id (bounded index,
 * no indirect branch). Rt may be any register, so x2..x30 go into the
 * guest_ctx, the value is stored over ctx.x[Rt] (not for XZR), and all
 * come back; then ELR_EL2 moves past the MRS.
 */
.Lfast_sysreg:
	mrs	x1, esr_el2
	mov	w0, #(FAST_ID_MASK & 0xffff)
	movk	w0, #(FAST_ID_MASK >> 16), lsl #16
	and	w0, w1, w0
	mov	w1, #(FAST_ID_MATCH & 0xffff)
	movk	w1, #(FAST_ID_MATCH >> 16), lsl #16
	cmp	w0, w1
	b.ne	.Lsync_slow
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_GUEST_CTX]
	ctx_store_x2_x29
	str	x30, [x0, #16 * 15]
	ldp	x2, x3, [sp], #16		/* guest x0, x1 */
	stp	x2, x3, [x0]
	mrs	x1, esr_el2
	ubfx	x2, x1, #1, #3			/* CRm[2:0] */
	ubfx	x3, x1, #17, #3			/* Op2 */
	add	x2, x3, x2, lsl #3
	add	x3, x0, #GCTX_ID
	ldr	x2, [x3, x2, lsl #3]
	ubfx	x3, x1, #5, #5			/* Rt */
	cmp	x3, #31
	b.eq	1f				/* XZR: the value goes nowhere */
	str	x2, [x0, x3, lsl #3]
1:	mrs	x1, elr_el2
	add	x1, x1, #4
	msr	elr_el2, x1
	/*
	 * A guest single-stepping over the emulated MRS has completed that
	 * step: clear SPSR.SS so its step exception comes right after it (as
	 * vcpu_skip_instr does), rather than one instruction late.
	 */
	mrs	x1, spsr_el2
	bic	x1, x1, #(1 << 21)
	msr	spsr_el2, x1
	ldr	x1, [x0, #GCTX_FAST_ID]
	add	x1, x1, #1
	str	x1, [x0, #GCTX_FAST_ID]
	ctx_load_x2_x30
	ldp	x0, x1, [x0]
	eret
	dsb	nsh
	isb

/*
 * A data abort: exit_fast_dabt() (core/exit.c) may do an emulated device
 * access without the run loop.
 */
.Lfast_dabt:
	mrs	x0, tpidr_el2
	spectre_mitigate
	ldr	x0, [x0, #PCPU_GUEST_CTX]
	fast_c_call exit_fast_dabt, EXIT_SYNC

.Lsync_slow:
	mrs	x0, tpidr_el2
	spectre_mitigate
	ldr	x0, [x0, #PCPU_GUEST_CTX]
	mov	x1, #EXIT_SYNC
	b	guest_exit_common

/* An interrupt: exit_fast_irq() (core/exit.c) may handle it without the run loop. */
	.globl guest_exit_IRQ
guest_exit_IRQ:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	spectre_mitigate
	ldr	x0, [x0, #PCPU_GUEST_CTX]
	fast_c_call exit_fast_irq, EXIT_IRQ

	guest_exit FIQ, EXIT_FIQ
	guest_exit SERROR, EXIT_SERROR

/* x0 = struct guest_ctx, x1 = exit kind, guest x0/x1 on the stack. */
guest_exit_common:
	ctx_store_all
	mov	x0, x1
/* Return from guest_enter() with x0: the frame is at sp. */
guest_exit_return:
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
