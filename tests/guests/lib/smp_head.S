/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPU entry for PSCI CPU_ON (smp.h). x0 = context id, EL1h, MMU
 * off, DAIF masked. CPU n (MPIDR_EL1.Aff0 = n) runs on the top of
 * smp_stacks[n]; an Aff0 beyond SMP_MAX_CPUS parks the CPU.
 */
#define SMP_MAX_CPUS	8
#define SMP_STACK_SIZE	0x2000

	.section .text.smp_entry, "ax"
	.globl	smp_entry
	.balign	4
smp_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	cmp	x1, #SMP_MAX_CPUS
	b.hs	2f
	add	x1, x1, #1
	mov	x2, #SMP_STACK_SIZE
	mul	x1, x1, x2
	adrp	x2, smp_stacks
	add	x2, x2, :lo12:smp_stacks
	add	x1, x2, x1
	mov	sp, x1
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	bl	smp_secondary_start	/* does not return */
2:	wfi
	b	2b
