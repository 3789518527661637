// SPDX-License-Identifier: MIT
#include "arch/regs.h"
#include "core/esr.h"
#include "core/inject.h"

static u64 vector_offset(u64 pstate)
{
	if (pstate & PSR_nRW)
		return VECTOR_LOWER_A32;
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1t:
		return VECTOR_CUR_SP0;
	case PSR_MODE_EL1h:
		return VECTOR_CUR_SPX;
	default:		/* EL0t */
		return VECTOR_LOWER_A64;
	}
}

static bool from_el1(u64 pstate)
{
	u64 mode = pstate & PSR_MODE_MASK;

	return !(pstate & PSR_nRW) && (mode == PSR_MODE_EL1t || mode == PSR_MODE_EL1h);
}

u64 inject_vector(const struct guest_ctx *ctx, const struct el1_exc_regs *r, enum exc_type type)
{
	return r->vbar + vector_offset(ctx->pstate) + 0x80 * (u64)type;
}

bool inject_would_loop(const struct guest_ctx *ctx, const struct el1_exc_regs *r, enum exc_type type)
{
	return ctx->pc == inject_vector(ctx, r, type);
}

void inject_take_exception(struct guest_ctx *ctx, struct el1_exc_regs *r, enum exc_type type)
{
	u64 old = ctx->pstate;
	u64 new = old & (PSR_NZCV | PSR_DIT | PSR_PAN);

	/* PAN is set on entry unless SCTLR_EL1.SPAN says to leave it. */
	if (!(r->sctlr & SCTLR_EL1_SPAN))
		new |= PSR_PAN;
	if (r->sctlr & SCTLR_EL1_DSSBS)
		new |= PSR_SSBS;
	new |= PSR_DAIF | PSR_MODE_EL1h;
	/* IL, SS, BTYPE, UAO and nRW are cleared on entry. */

	r->spsr = old;
	r->elr = ctx->pc;
	ctx->pc = inject_vector(ctx, r, type);
	ctx->pstate = new;
}

/*
 * IL is 1 for EC 0x00, for instruction aborts and for data aborts with
 * ISV = 0 whatever the instruction's length, and those are the only
 * syndromes moat injects.
 */
u64 inject_esr_undef(u64 trap_esr)
{
	return FIELD_PREP(ESR_ELx_EC, ESR_ELx_EC_UNKNOWN) | ESR_ELx_IL;
}

u64 inject_esr_ext_abort(u64 trap_esr, u64 pstate, bool instruction)
{
	u32 ec;

	if (instruction)
		ec = from_el1(pstate) ? ESR_ELx_EC_IABT_CUR : ESR_ELx_EC_IABT_LOW;
	else
		ec = from_el1(pstate) ? ESR_ELx_EC_DABT_CUR : ESR_ELx_EC_DABT_LOW;
	return FIELD_PREP(ESR_ELx_EC, ec) | ESR_ELx_IL |
	       (instruction ? 0 : (trap_esr & ESR_ELx_WnR)) |
	       FIELD_PREP(ESR_ELx_DFSC, ESR_ELx_FSC_EXTABT);
}

void inject_undef(struct guest_ctx *ctx, struct el1_exc_regs *r)
{
	r->esr = inject_esr_undef(ctx->esr);
	inject_take_exception(ctx, r, EXC_TYPE_SYNC);
}

void inject_ext_abort(struct guest_ctx *ctx, struct el1_exc_regs *r, u64 far, bool instruction)
{
	r->esr = inject_esr_ext_abort(ctx->esr, ctx->pstate, instruction);
	r->far = far;
	inject_take_exception(ctx, r, EXC_TYPE_SYNC);
}
