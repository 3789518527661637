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
