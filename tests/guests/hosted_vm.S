/* SPDX-License-Identifier: MIT */
/*
 * The code of the VM tests/guests/hosted.c creates from the host: copied
 * into a page the host maps at IPA HOSTED_CODE_IPA, so it is position
 * independent (adr, literals next to it). Each step ends in an exit the
 * host checks; the device "registers" at 0x0a000000 are no device at all,
 * only addresses that exit to the host (MOAT_EXIT_MMIO).
 */
	.arch	armv8-a+fp+simd
	.text
	.balign	8
	.globl	hosted_vm_code
hosted_vm_code:
	mov	x19, x0				/* the context VCPU_INIT gave */
	adr	x2, hosted_vm_code
	ldr	x3, secret
	str	x3, [x2, #0x2000]		/* its RAM page 2: the host must not see it (protected) */
	msr	tpidr_el1, x3			/* an EL1 register the host has its own value in */
	movz	x1, #0x0a00, lsl #16
	ldrsw	x5, [x1, #0x10]			/* MMIO read: 4 bytes, sign-extended into x5 */
	str	x5, [x1, #0x20]			/* MMIO write: x5 as the read left it */
	str	x19, [x1, #0x28]		/* its context */
	movz	x0, #0x0003			/* PSCI CPU_ON64 (0xc4000003) of vCPU 1 */
	movk	x0, #0xc400, lsl #16
	mov	x1, #1
	adr	x2, hosted_vm_secondary
	mov	x3, #0x5678
	hvc	#0
	movz	x1, #0x0a00, lsl #16
	str	x0, [x1, #0x30]			/* CPU_ON's result */
	mrs	x4, cntvct_el0			/* its virtual timer, some way off, then WFI */
	add	x4, x4, #0xfff, lsl #12
	msr	cntv_cval_el0, x4
	mov	x5, #1
	msr	cntv_ctl_el0, x5
	isb
	str	x4, [x1, #0x38]			/* the deadline it set */
	wfi
	msr	cntv_ctl_el0, xzr
	str	xzr, [x1, #0x40]
	adr	x2, hosted_vm_code
1:	ldr	x6, [x2, #0x3000]		/* spins, counting in its RAM page 3: only an */
	add	x6, x6, #1			/* interrupt for the host ends the run */
	str	x6, [x2, #0x3000]
	b	1b

	.globl	hosted_vm_secondary
hosted_vm_secondary:
	movz	x1, #0x0a00, lsl #16
	str	x0, [x1, #0x48]			/* the context CPU_ON gave */
	wfi					/* nothing pending, no timer */
	str	xzr, [x1, #0x50]
	movz	x0, #0x0002			/* PSCI CPU_OFF (0x84000002) */
	movk	x0, #0x8400, lsl #16
	hvc	#0
2:	b	2b

	.balign	8
secret:
	.quad	0x5ec2e7005ec2e700
	.globl	hosted_vm_code_end
hosted_vm_code_end:

/*
 * A second VM's code (tests/guests/hosted.c, "state across runs"): it sets
 * breakpoint 0's registers and d0, counts 100 PMSWINC writes on its PMU
 * counter 0, exits, and after the host has run (with its own values in
 * the same registers) reports what it finds in them.
 */
	.balign	8
	.globl	hosted_vm_state
hosted_vm_state:
	movz	x1, #0x0a00, lsl #16
	mov	x9, #(3 << 20)			/* CPACR_EL1.FPEN: no FP/SIMD trap at EL1 */
	msr	cpacr_el1, x9
	isb
	ldr	x9, guest_fp
	fmov	d0, x9				/* its FP/SIMD register, live from here on */
	msr	oslar_el1, xzr			/* OS lock off: the registers are the CPU's */
	isb
	adr	x3, guest_bvr
	ldr	x3, [x3]
	msr	dbgbvr0_el1, x3
	mov	x4, #0x1e6			/* BAS 0xf, PMC EL1+EL0, E = 0: set, never fires */
	msr	dbgbcr0_el1, x4
	msr	pmevtyper0_el0, xzr		/* event 0: SW_INCR */
	msr	pmevcntr0_el0, xzr
	mov	x5, #1
	msr	pmcntenset_el0, x5
	mrs	x6, pmcr_el0
	orr	x6, x6, #1			/* PMCR_EL0.E */
	msr	pmcr_el0, x6
	isb
	mov	x7, #100
3:	msr	pmswinc_el0, x5
	subs	x7, x7, #1
	b.ne	3b
	isb
	mrs	x8, pmevcntr0_el0
	str	x8, [x1, #0x60]			/* its counter: 100 */
	mrs	x3, dbgbvr0_el1
	str	x3, [x1, #0x68]			/* after the host ran: still its own */
	mrs	x4, dbgbcr0_el1
	str	x4, [x1, #0x70]
	mrs	x8, pmevcntr0_el0
	str	x8, [x1, #0x78]
	fmov	x9, d0				/* after the host used its own FP/SIMD registers */
	str	x9, [x1, #0x80]
4:	b	4b
	.balign	8
guest_bvr:
	.quad	0x0000000080001230
guest_fp:
	.quad	0x6f70e5f9a1b2c3d4
	.globl	hosted_vm_state_end
hosted_vm_state_end:

/*
 * The host's side (not copied into the VM): its own d0, which it sets
 * between runs so that its FP/SIMD registers are live in the CPU when it
 * runs the VM again.
 */
	.globl	host_fp_set
	.balign	4
host_fp_set:
	fmov	d0, x0
	ret

	.globl	host_fp_get
	.balign	4
host_fp_get:
	fmov	x0, d0
	ret
