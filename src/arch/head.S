/* SPDX-License-Identifier: MIT */
/*
 * Entry. The first 64 bytes are the arm64 Image header (Linux's
 * Documentation/arch/arm64/booting.rst) so QEMU's -kernel and any
 * Linux-capable bootloader start moat like a kernel: x0 = DTB, MMU off.
 */
#include "arch/asm.h"
#include "arch/percpu.h"

	.section .text.head, "ax"
	.globl _start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x80000				/* text_offset: see moat.ld */
	.quad	__image_size			/* including bss and stacks (moat.ld) */
	.quad	0xa				/* flags: LE, 4K pages, 2 MiB aligned base anywhere */
	.quad	0, 0, 0				/* reserved */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* no PE header */

primary_entry:
	mov	x19, x0				/* DTB */
	/* FP/SIMD must not trap at boot: Debian's libfdt uses SIMD registers. */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	1f
	mov	x1, #0x33ff			/* CPTR_EL2: RES1 bits, TFP = 0, TTA = 0 */
	msr	cptr_el2, x1
	mov_q	x1, 0x30c50838			/* SCTLR_EL2: RES1 bits, MMU/caches off */
	msr	sctlr_el2, x1
	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	isb
	b	2f
1:	mov	x1, #(3 << 20)			/* CPACR_EL1.FPEN: no FP trap at EL1 */
	msr	cpacr_el1, x1
	isb
2:
	/* Zero bss with the MMU off, then drop any stale lines over it. */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
3:	stp	xzr, xzr, [x1], #16
	cmp	x1, x2
	b.lo	3b
	adr_l	x1, __bss_start
	adr_l	x2, __stacks_end
	bl	dcache_inval_range_early

	adr_l	x1, percpu_area
	mrs	x2, CurrentEL
	cmp	x2, #(2 << 2)
	b.ne	4f
	msr	tpidr_el2, x1
4:	adr_l	x1, cpu_stacks + STACK_SLOT	/* CPU 0's stack top */
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	mrs	x2, CurrentEL
	cmp	x2, #(2 << 2)
	b.ne	5f
	bl	hyp_main
	b	park
5:	bl	wrong_el_main
park:	wfe
	b	park

/*
 * Secondary CPUs arrive here from PSCI CPU_ON with x0 = their struct percpu.
 * Their stack top is in percpu->... computed by C as stack_top(cpu).
 */
	.globl secondary_entry
secondary_entry:
	mov	x1, #0x33ff
	msr	cptr_el2, x1
	mov_q	x1, 0x30c50838
	msr	sctlr_el2, x1
	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	msr	tpidr_el2, x0
	isb
	ldr	w1, [x0]			/* percpu->cpu */
	mov	x2, #STACK_SLOT
	add	x1, x1, #1
	mul	x1, x1, x2
	adr_l	x2, cpu_stacks
	add	x1, x2, x1
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	bl	secondary_main
	b	park

/* x1 = start, x2 = end: invalidate data cache lines to PoC (MMU off). */
dcache_inval_range_early:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4			/* DminLine: log2(words) */
	mov	x4, #4
	lsl	x4, x4, x3			/* line size in bytes */
	sub	x5, x4, #1
	bic	x1, x1, x5
6:	dc	ivac, x1
	add	x1, x1, x4
	cmp	x1, x2
	b.lo	6b
	dsb	sy
	ret
