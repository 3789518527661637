/* SPDX-License-Identifier: MIT */
/*
 * The code of the VM tests/guests/bench_hosted.c runs (copied into a page
 * at the IPA the host maps; position independent). x0 from VCPU_INIT: 1
 * makes its debug state dirty (OS lock off, MDSCR_EL1.MDE set, breakpoint
 * 0 written but disabled), so moat saves and restores its debug registers
 * on every switch. Then it times BENCH_HVC_N MOAT_HC_NOP calls with its
 * counter and reports the ticks with one MMIO write (an exit to the host),
 * and from then on exits to the host with one MMIO write per run.
 */
#define BENCH_HVC_N	2000

	.text
	.balign	8
	.globl	bench_hosted_vm
bench_hosted_vm:
	movz	x1, #0x0a00, lsl #16
	cbz	x0, 1f
	msr	oslar_el1, xzr
	isb
	adr	x3, bench_hosted_vm
	msr	dbgbvr0_el1, x3
	mov	x4, #0x1e6			/* BAS 0xf, PMC EL1+EL0, E = 0: never fires */
	msr	dbgbcr0_el1, x4
	mov	x4, #(1 << 15)			/* MDSCR_EL1.MDE: debug enabled, so loaded eagerly */
	msr	mdscr_el1, x4
	isb
1:	mov	x9, #BENCH_HVC_N
	movz	x10, #0x0004			/* MOAT_HC_NOP (0xc6000004) */
	movk	x10, #0xc600, lsl #16
	isb
	mrs	x11, cntvct_el0
2:	mov	x0, x10
	hvc	#0
	subs	x9, x9, #1
	b.ne	2b
	isb
	mrs	x12, cntvct_el0
	sub	x12, x12, x11
	str	x12, [x1, #0x0]			/* ticks for BENCH_HVC_N calls */
3:	str	xzr, [x1, #0x8]			/* one exit to the host per run */
	b	3b
	.globl	bench_hosted_vm_end
bench_hosted_vm_end:
