/* SPDX-License-Identifier: MIT */
/*
 * A trip to AArch32 EL0 and back (tests/guests/attack_cpu.c).
 * run_a32_el0(entry, r1): ERET to AArch32 User mode at @entry with R1 =
 * @r1 and A, I, F masked. The first exception taken back to EL1 (any
 * vector of a private table) is recorded in a32_result {vec, esr, elr,
 * far, spsr}; the EL1 context (callee-saved registers, SP, VBAR_EL1) is
 * restored and run_a32_el0 returns.
 */
#include "el1_save.S.inc"

	.text
	.balign	4
	.globl	run_a32_el0
run_a32_el0:
	el1_save a32_saved
	mrs	x10, vbar_el1
	str	x10, [x9, #104]
	adrp	x10, a32_vectors
	add	x10, x10, :lo12:a32_vectors
	msr	vbar_el1, x10
	mov	x10, #0x1d0			/* SPSR: AArch32 (M[4]), User (M[3:0] 0), A, I, F masked */
	msr	spsr_el1, x10
	msr	elr_el1, x0
	isb
	eret

a32_back:					/* x0 = vector offset */
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	mrs	x4, spsr_el1
	adrp	x9, a32_result
	add	x9, x9, :lo12:a32_result
	stp	x0, x1, [x9, #0]
	stp	x2, x3, [x9, #16]
	str	x4, [x9, #32]
	adrp	x9, a32_saved
	add	x9, x9, :lo12:a32_saved
	ldr	x10, [x9, #104]
	msr	vbar_el1, x10
	isb
	el1_restore a32_saved
	ret

	.balign	2048
a32_vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	.balign	0x80
	mov	x0, #\off
	b	a32_back
	.endr

/* A32 code, run at EL0: a load from R1, then SVC (back to EL1 if the load completed). */
	.balign	4
	.globl	a32_mmio_load
a32_mmio_load:
	.word	0xe5910000			/* ldr r0, [r1] */
	.word	0xef000000			/* svc #0 */
	.word	0xeafffffe			/* b . */

	.bss
	.balign	8
a32_saved:
	.skip	112
