/* SPDX-License-Identifier: MIT */
/*
 * A trip to AArch64 EL0 and back (guest.h: run_el0). run_el0(pc, a0, a1,
 * spsr): ERET to EL0t at @pc with x0 = @a0, x1 = @a1, SP_EL0 on a stack
 * of its own and SPSR_EL1 = @spsr (EL0t with whatever bits the caller
 * adds: DAIF, SS). EL0 comes back with SVC #0 (x0 = its result), which
 * the runtime's exception handler turns into a return to el0_return:
 * the EL1 callee-saved registers and SP are put back and run_el0 returns
 * EL0's x0. With the MMU off, EL0 runs flat, like EL1.
 */
#include "el1_save.S.inc"

	.text
	.balign	4
	.globl	run_el0
run_el0:
	el1_save el0_saved
	adrp	x10, el0_stack_top
	add	x10, x10, :lo12:el0_stack_top
	msr	sp_el0, x10
	msr	elr_el1, x0
	msr	spsr_el1, x3
	mov	x0, x1
	mov	x1, x2
	isb
	eret

	.globl	el0_return
el0_return:					/* x0 = EL0's result */
	el1_restore el0_saved
	ret

/* EL0 entry for a C function: x0 = its argument, x1 = the function. */
	.globl	el0_call
el0_call:
	blr	x1
	svc	#0

	.bss
	.balign	16
el0_saved:
	.skip	112
	.balign	16
el0_stack:
	.skip	4096
el0_stack_top:
