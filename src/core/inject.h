/* SPDX-License-Identifier: MIT */
/*
 * Exception injection into an AArch64 guest at EL1, done the way the CPU
 * takes an exception (Arm ARM, AArch64.TakeException): portable, so it is
 * unit-tested on the host against hand-worked cases.
 */
#ifndef MOAT_CORE_INJECT_H
#define MOAT_CORE_INJECT_H
#include "arch/guest_ctx.h"
#include "lib/types.h"

enum exc_type {
	EXC_TYPE_SYNC = 0,
	EXC_TYPE_IRQ = 1,
	EXC_TYPE_FIQ = 2,
	EXC_TYPE_SERROR = 3,
};

/**
 * Take an exception of @type to EL1 in the guest described by @ctx (its PC
 * and PSTATE at the moment of the exception) and @r (its EL1 registers):
 * ELR_EL1/SPSR_EL1 get the old PC/PSTATE, PC becomes VBAR_EL1 plus the
 * offset for the old EL, SP and the type, PSTATE becomes EL1h with DAIF
 * masked. ESR_EL1/FAR_EL1 are left to the caller.
 */
void inject_take_exception(struct guest_ctx *ctx, struct el1_exc_regs *r, enum exc_type type);

/** The address the exception of @type from the guest's current EL goes to. */
u64 inject_vector(const struct guest_ctx *ctx, const struct el1_exc_regs *r, enum exc_type type);
/**
 * True when the guest's PC is the very vector the exception would go to:
 * the guest faulted on its own handler's first instruction, and injecting
 * again would repeat the same fault for ever (no progress is possible).
 */
bool inject_would_loop(const struct guest_ctx *ctx, const struct el1_exc_regs *r, enum exc_type type);

/** ESR_EL1 for an undefined instruction (EC 0, IL 1). */
u64 inject_esr_undef(u64 trap_esr);

/**
 * ESR_EL1 for a synchronous external abort reported for the access that
 * trapped with @trap_esr: data or instruction abort, from the current EL
 * (EL1) or a lower one (EL0) according to @pstate; WnR carried over, IL 1.
 */
u64 inject_esr_ext_abort(u64 trap_esr, u64 pstate, bool instruction);

/** Inject an undefined-instruction exception for the instruction that trapped. */
void inject_undef(struct guest_ctx *ctx, struct el1_exc_regs *r);
/** Inject a synchronous external abort at @far for the access that trapped. */
void inject_ext_abort(struct guest_ctx *ctx, struct el1_exc_regs *r, u64 far, bool instruction);
#endif
