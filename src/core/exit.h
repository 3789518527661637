/* SPDX-License-Identifier: MIT */
#ifndef MOAT_CORE_EXIT_H
#define MOAT_CORE_EXIT_H
#include "lib/types.h"

struct vcpu;

/** Handle one exit of kind @kind (EXIT_SYNC...) from the loaded vCPU @v. */
void handle_exit(struct vcpu *v, u64 kind);

struct guest_ctx;
/** guest_entry.S: a data abort done without the full exit (exit.c): FAST_* (arch/guest_ctx.h). */
int exit_fast_dabt(struct guest_ctx *ctx);
/** guest_entry.S: an interrupt exit handled without the full exit (exit.c): FAST_*. */
int exit_fast_irq(struct guest_ctx *ctx);
void vcpu_fpsimd_trap(struct vcpu *v);
/** SMCCC calls from the guest (HVC or SMC). */
void handle_smccc(struct vcpu *v);
/** A trapped MSR/MRS (EC 0x18): emulate, or inject UNDEF. */
void handle_sysreg(struct vcpu *v);
#endif
