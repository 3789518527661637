/* SPDX-License-Identifier: MIT */
/* A guest's EL1 system registers and FP/SIMD registers, saved and restored whole. */
#ifndef MOAT_ARCH_EL1_CTX_H
#define MOAT_ARCH_EL1_CTX_H
#include "arch/guest_ctx.h"
#include "lib/types.h"

struct el1_sysregs {
	u64 sctlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	u64 tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr, spsr;
	u64 esr, far, afsr0, afsr1, par, cntkctl, csselr;
	u64 cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
	/* Trapped (HCR_EL2.TACR): the guest's inert copy, never written to the CPU. */
	u64 actlr;
};

struct fpsimd_state {
	__uint128_t v[32];
	u64 fpsr, fpcr;
} __aligned(16);

/** Save this CPU's EL1 registers (and EL1 timers) into @s. */
void el1_sysregs_save(struct el1_sysregs *s);
/** Load @s into this CPU's EL1 registers. */
void el1_sysregs_restore(const struct el1_sysregs *s);
/** The EL1 registers exception entry uses, read from / written to the CPU. */
void el1_exc_regs_read(struct el1_exc_regs *r);
void el1_exc_regs_write(const struct el1_exc_regs *r);
/** Save/restore V0-V31, FPSR, FPCR (FP must not trap at EL2 when called). */
void fpsimd_save(struct fpsimd_state *s);
void fpsimd_restore(const struct fpsimd_state *s);
#endif
