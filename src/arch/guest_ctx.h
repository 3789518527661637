/* SPDX-License-Identifier: MIT */
/*
 * What the world switch saves on every exit from a guest: the general
 * registers, the return state and the fault syndrome. Nothing else moves
 * on an exit that is handled at EL2 and returns to the same vCPU.
 */
#ifndef MOAT_ARCH_GUEST_CTX_H
#define MOAT_ARCH_GUEST_CTX_H

#define GCTX_X0 0
#define GCTX_PC (31 * 8)
#define GCTX_PSTATE (32 * 8)
#define GCTX_ESR (33 * 8)
#define GCTX_FAR (34 * 8)
#define GCTX_HPFAR (35 * 8)
#define GCTX_FAST_HVC (36 * 8)
#define GCTX_FAST_ID (37 * 8)
#define GCTX_ID (38 * 8)
#define GCTX_ID_NR 64
#define GCTX_SIZE ((38 + GCTX_ID_NR) * 8)

/*
 * Hypercalls guest_entry.S answers itself, before saving anything: their
 * function IDs (SMCCC_VERSION, MOAT_HC_NOP) and SMCCC_VERSION's answer
 * (1.1). core/smccc.c asserts they equal include/moat/hypercall.h's.
 */
#define FAST_FID_SMCCC_VERSION 0x80000000
#define FAST_SMCCC_VERSION_1_1 0x10001
#define FAST_FID_MOAT_HC_NOP 0xc6000004
#define ESR_EC_SHIFT 26
#define ESR_EC_HVC64 0x16
#define ESR_EC_SYS64 0x18
#define ESR_EC_DABT_LOW 0x24

/*
 * A trapped MRS of the ID space (op0 3, op1 0, CRn 0, CRm 0..7) is also
 * answered there, from guest_ctx.id: ESR_EL2 ISS & FAST_ID_MASK must equal
 * FAST_ID_MATCH (Op0 = 3, Op1 = 0, CRn = 0, CRm[3] = 0, Direction = read).
 * core/vcpu.c asserts these against core/esr.h's fields.
 */
#define FAST_ID_MASK 0x31fc11
#define FAST_ID_MATCH 0x300001

/* Why guest_enter() returned: which vector the exit came through. */
#define EXIT_SYNC 0
#define EXIT_IRQ 1
#define EXIT_FIQ 2
#define EXIT_SERROR 3
/* An exit a fast path in C handled that still goes through the run loop (core/exit.c). */
#define EXIT_DONE 4

/* What a fast path in C (fast_c_call, guest_entry.S) returns. */
#define FAST_DECLINED 0		/* nothing done: the full exit handles it */
#define FAST_RESUME 1		/* done: the guest resumes from the vector */
#define FAST_LOOP 2		/* done, but the run loop must look (EXIT_DONE) */

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct guest_ctx {
	u64 x[31];
	u64 pc;		/* ELR_EL2 */
	u64 pstate;	/* SPSR_EL2 */
	u64 esr;	/* ESR_EL2 of the last exit */
	u64 far;	/* FAR_EL2 */
	u64 hpfar;	/* HPFAR_EL2 */
	u64 fast_hvc;	/* hypercalls guest_entry.S answered without an exit to C */
	u64 fast_id;	/* ID register reads it answered likewise */
	/*
	 * The guest's view of the ID space, index CRm * 8 + op2, filled on the
	 * vCPU's CPU when it is loaded there (core/sysreg_trap.c sysreg_id_fill).
	 */
	u64 id[GCTX_ID_NR];
};
_Static_assert(__builtin_offsetof(struct guest_ctx, pc) == GCTX_PC, "gctx");
_Static_assert(__builtin_offsetof(struct guest_ctx, esr) == GCTX_ESR, "gctx");
_Static_assert(__builtin_offsetof(struct guest_ctx, hpfar) == GCTX_HPFAR, "gctx");
_Static_assert(__builtin_offsetof(struct guest_ctx, fast_hvc) == GCTX_FAST_HVC, "gctx");
_Static_assert(__builtin_offsetof(struct guest_ctx, fast_id) == GCTX_FAST_ID, "gctx");
_Static_assert(__builtin_offsetof(struct guest_ctx, id) == GCTX_ID, "gctx");
_Static_assert(sizeof(struct guest_ctx) == GCTX_SIZE, "gctx");

/* The EL1 registers an exception entry into the guest reads or writes. */
struct el1_exc_regs {
	u64 vbar;	/* VBAR_EL1 */
	u64 sctlr;	/* SCTLR_EL1 */
	u64 esr;	/* ESR_EL1 */
	u64 far;	/* FAR_EL1 */
	u64 elr;	/* ELR_EL1 */
	u64 spsr;	/* SPSR_EL1 */
};

/**
 * Enter the guest whose registers are in @ctx; returns, on the next exit,
 * EXIT_SYNC/IRQ/FIQ/SERROR with @ctx updated. The caller has loaded
 * everything else (EL1 state, stage-2, traps).
 */
u64 guest_enter(struct guest_ctx *ctx);
#endif
#endif
