/* SPDX-License-Identifier: MIT */
/*
 * The EL2 vector table. An exception taken from EL2 itself is always a
 * hypervisor bug: it switches to this CPU's panic stack first (so a stack
 * overflow into the guard page can still be reported) and panics with a
 * decoded dump. Exceptions from the guest (lower EL) go to the world-switch
 * exit path in guest_entry.S.
 */
#include "arch/asm.h"
#include "arch/percpu.h"
#include "arch/exc_frame.h"

	.macro hyp_fault kind
	.align 7
	msr	sp_el0, x0			/* spill x0; EL2 does not use SP_EL0 */
	mrs	x0, tpidr_el2
	str	x1, [x0, #PCPU_SCRATCH]
	mov	x1, sp
	str	x1, [x0, #PCPU_SCRATCH + 8]	/* the faulting context's SP */
	ldr	x1, [x0, #PCPU_PANIC_SP]
	mov	sp, x1
	ldr	x1, [x0, #PCPU_SCRATCH]
	mov	x0, #\kind
	b	hyp_fault_common
	.endm

	.macro guest_exit_vec kind
	.align 7
	b	guest_exit_\kind
	.endm

	.section .text.vectors, "ax"
	.align 11
	.globl el2_vectors
el2_vectors:
	hyp_fault EXC_SYNC_SP0
	hyp_fault EXC_IRQ_SP0
	hyp_fault EXC_FIQ_SP0
	hyp_fault EXC_SERROR_SP0
	hyp_fault EXC_SYNC_SPX
	hyp_fault EXC_IRQ_SPX
	hyp_fault EXC_FIQ_SPX
	hyp_fault EXC_SERROR_SPX
	guest_exit_vec SYNC
	guest_exit_vec IRQ
	guest_exit_vec FIQ
	guest_exit_vec SERROR
	hyp_fault EXC_SYNC_A32
	hyp_fault EXC_IRQ_A32
	hyp_fault EXC_FIQ_A32
	hyp_fault EXC_SERROR_A32

/*
 * x0 = kind (the real x0 was spilled to SP_EL0). Build a frame on the panic
 * stack and hand it to C; never returns.
 */
	.globl hyp_fault_common
hyp_fault_common:
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x2, x3, [sp, #16 * 1]
	mrs	x2, sp_el0
	stp	x2, x1, [sp, #16 * 0]		/* x0, x1 */
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x1, tpidr_el2
	ldr	x2, [x1, #PCPU_SCRATCH + 8]
	stp	x30, x2, [sp, #16 * 15]		/* x30, sp */
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #EXC_FRAME_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #EXC_FRAME_ESR]
	mov	x1, x0
	mov	x0, sp
	bl	hyp_fault_panic
1:	wfi
	b	1b
