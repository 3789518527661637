/* SPDX-License-Identifier: MIT */
/*
 * The code of the VM tests/guests/hosted.c creates from the host: copied
 * into a page the host maps at IPA HOSTED_CODE_IPA, so it is position
 * independent (adr, literals next to it). Each step ends in an exit the
 * host checks; the device "registers" at 0x0a000000 are no device at all,
 * only addresses that exit to the host (MOAT_EXIT_MMIO).
 */
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
