/* SPDX-License-Identifier: MIT */
/*
 * uint64_t sysreg_id_every_rt(uint64_t out[31]);
 *
 * Reads ID_AA64PFR0_EL1 (trapped by TID3; moat answers it in its exit
 * vector) into each of x0..x30 in turn, storing what each got in out[n],
 * then once into XZR. Every register not being read holds a canary
 * (0xc0de0000 + its number) all along: returns how many canaries were
 * found changed afterwards (0 when each read wrote its Rt only).
 */
	.text

	.macro	canary n
	movz	x\n, #0xc0de, lsl #16
	movk	x\n, #\n
	.endm

/* Frame: x19..x30 and out at [sp + 384 ..], the out[] copy at [sp + 128 + 8n]. */
#define COPY	128
#define FRAME	384

	.globl	sysreg_id_every_rt
	.balign	16
sysreg_id_every_rt:
	sub	sp, sp, #FRAME + 112
	stp	x19, x20, [sp, #FRAME]
	stp	x21, x22, [sp, #FRAME + 16]
	stp	x23, x24, [sp, #FRAME + 32]
	stp	x25, x26, [sp, #FRAME + 48]
	stp	x27, x28, [sp, #FRAME + 64]
	stp	x29, x30, [sp, #FRAME + 80]
	str	x0, [sp, #FRAME + 96]
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	canary	\n
	.endr
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	mrs	x\n, id_aa64pfr0_el1
	str	x\n, [sp, #COPY + 8 * \n]
	canary	\n
	.endr
	mrs	xzr, id_aa64pfr0_el1
	/* x0, x1 to the stack, then they count (x0) and compare (x1). */
	stp	x0, x1, [sp]
	mov	x0, #0
	.irp	n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	movz	x1, #0xc0de, lsl #16
	movk	x1, #\n
	cmp	x\n, x1
	cinc	x0, x0, ne
	.endr
	ldr	x2, [sp]
	canary	3
	movk	x3, #0
	cmp	x2, x3
	cinc	x0, x0, ne
	ldr	x2, [sp, #8]
	movk	x3, #1
	cmp	x2, x3
	cinc	x0, x0, ne
	/* out[] to the caller. */
	ldr	x1, [sp, #FRAME + 96]
	add	x3, sp, #COPY
	mov	x4, #0
1:	ldr	x2, [x3, x4, lsl #3]
	str	x2, [x1, x4, lsl #3]
	add	x4, x4, #1
	cmp	x4, #31
	b.ne	1b
	ldp	x19, x20, [sp, #FRAME]
	ldp	x21, x22, [sp, #FRAME + 16]
	ldp	x23, x24, [sp, #FRAME + 32]
	ldp	x25, x26, [sp, #FRAME + 48]
	ldp	x27, x28, [sp, #FRAME + 64]
	ldp	x29, x30, [sp, #FRAME + 80]
	add	sp, sp, #FRAME + 112
	ret
