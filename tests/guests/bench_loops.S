/* SPDX-License-Identifier: MIT */
/*
 * Timed loops of the bench guest (tests/guests/bench.c). Every loop has the
 * same shape, "movz/movk w0 = id; OP; subs; b.ne", so the empty loop (OP =
 * nop) is the exact overhead to subtract. Each returns the CNTVCT_EL0 ticks
 * for n iterations. Loop state lives in x9/x10, which SMCCC 1.1 preserves.
 *
 *   uint64_t bench_empty(uint64_t n);
 *   uint64_t bench_hvc(uint64_t n, uint32_t fid);
 *   uint64_t bench_mmio(uint64_t n, uint64_t addr);
 *   uint64_t bench_sysreg(uint64_t n);	// mrs ID_AA64PFR0_EL1 (TID3)
 *   uint64_t bench_pmu(uint64_t n);	// mrs PMCCNTR_EL0 (MDCR_EL2.TPM, forwarded)
 *   uint64_t bench_tlbi(uint64_t n, uint64_t operand);	// TLBI VALE1IS + DSB ISH
 */
	.text

	.macro	timed_loop, name, op
	.globl	\name
	.balign	64
\name:
	mov	x9, x0
	mov	w11, w1
	mov	x12, x1
	isb
	mrs	x10, cntvct_el0
1:	mov	w0, w11
	movk	w0, #0x8000, lsl #16
	\op
	subs	x9, x9, #1
	b.ne	1b
	isb
	mrs	x0, cntvct_el0
	sub	x0, x0, x10
	ret
	.endm

	timed_loop bench_empty, nop
	timed_loop bench_hvc_version, "hvc #0"
	timed_loop bench_mmio, "ldr x1, [x12]"
	timed_loop bench_sysreg, "mrs x1, id_aa64pfr0_el1"
	timed_loop bench_pmu, "mrs x1, pmccntr_el0"
	/* x12 = the operand (a VA page in bits 43:0); completed as a guest must, by DSB ISH. */
	timed_loop bench_tlbi, "tlbi vale1is, x12; dsb ish"

/* The same with the full 32-bit function id in w1 (no movk forcing bit 31). */
	.globl	bench_hvc
	.balign	64
bench_hvc:
	mov	x9, x0
	mov	w11, w1
	isb
	mrs	x10, cntvct_el0
1:	mov	w0, w11
	nop
	hvc	#0
	subs	x9, x9, #1
	b.ne	1b
	isb
	mrs	x0, cntvct_el0
	sub	x0, x0, x10
	ret

	timed_loop bench_mmio32, "ldr w1, [x12]"
	/* A 32-bit store of zero (the PL011's UARTIMSC: all its interrupts stay masked). */
	timed_loop bench_mmio_write32, "str wzr, [x12]"

/*
 * uint64_t bench_vtimer(uint64_t delta, uint64_t wfi);
 *
 * One virtual-timer interrupt: arm CNTV for now + delta, unmask IRQs and
 * spin (wfi = 0) or sit in WFI (wfi != 0) until bench_vectors' IRQ entry
 * has taken it. Returns its latency in ticks: CNTVCT_EL0 read by the
 * handler's first instruction minus the deadline (CNTV_CVAL_EL0). The
 * handler talks to the loop through registers only (x15 = taken, x16 =
 * INTID, x17 = time), so nothing between the deadline and that first
 * instruction is the guest's own code but the loop.
 */
	.globl	bench_vtimer
	.balign	64
bench_vtimer:
	mrs	x9, vbar_el1
	adr	x10, bench_vectors
	msr	vbar_el1, x10
	mov	x15, #0
	isb
	mrs	x11, cntvct_el0
	add	x11, x11, x0
	msr	cntv_cval_el0, x11
	mov	x10, #1				/* CNTV_CTL_EL0.ENABLE */
	msr	cntv_ctl_el0, x10
	isb
	msr	daifclr, #2
	cbnz	x1, 2f
1:	cbz	x15, 1b
	b	3f
2:	wfi
	cbz	x15, 2b
3:	msr	daifset, #2
	msr	vbar_el1, x9
	isb
	sub	x0, x17, x11
	ret

/* Only the IRQ entry for the current EL on SP_ELx is the benchmark's; the rest are the runtime's. */
	.macro	bench_vec, off
	.balign	0x80
	b	guest_vectors + \off
	.endm

	.balign	2048
bench_vectors:
	bench_vec 0x000
	bench_vec 0x080
	bench_vec 0x100
	bench_vec 0x180
	bench_vec 0x200
	.balign	0x80
	mrs	x17, cntvct_el0			/* first instruction: the latency ends here */
	mrs	x16, s3_0_c12_c12_0		/* ICC_IAR1_EL1 */
	cmp	x16, #27			/* the virtual timer's PPI */
	b.ne	4f
	msr	cntv_ctl_el0, xzr
	isb
	mov	x15, #1
4:	cmp	x16, #1020			/* no EOI for a spurious INTID */
	b.hs	5f
	msr	s3_0_c12_c12_1, x16		/* ICC_EOIR1_EL1 */
5:	isb
	eret
	bench_vec 0x300
	bench_vec 0x380
	bench_vec 0x400
	bench_vec 0x480
	bench_vec 0x500
	bench_vec 0x580
	bench_vec 0x600
	bench_vec 0x680
	bench_vec 0x700
	bench_vec 0x780
