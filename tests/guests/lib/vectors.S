/* SPDX-License-Identifier: MIT */
/*
 * EL1 exception vectors of a test guest: all 16 entries save x0-x30,
 * ELR/SPSR/ESR/FAR_EL1 and the vector offset into a frame on the stack and
 * call guest_exception(frame), which may change the frame's ELR; then
 * everything is restored and the guest returns with eret.
 *
 * Frame layout (struct exc_frame in guest.c): x[0..30] at 0..240,
 * elr 248, spsr 256, esr 264, far 272, vec 280; 288 bytes.
 */
#define FRAME_SIZE	288

	.macro	ventry, off
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\off
	b	exc_common
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	guest_vectors
guest_vectors:
	ventry	0x000	/* current EL, SP_EL0: sync */
	ventry	0x080	/* irq */
	ventry	0x100	/* fiq */
	ventry	0x180	/* serror */
	ventry	0x200	/* current EL, SP_ELx: sync */
	ventry	0x280
	ventry	0x300
	ventry	0x380
	ventry	0x400	/* lower EL, AArch64 */
	ventry	0x480
	ventry	0x500
	ventry	0x580
	ventry	0x600	/* lower EL, AArch32 */
	ventry	0x680
	ventry	0x700
	ventry	0x780

exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #248]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #264]
	str	x0, [sp, #280]
	mov	x0, sp
	bl	guest_exception
	ldp	x1, x2, [sp, #248]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret
