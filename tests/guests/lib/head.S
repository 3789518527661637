/* SPDX-License-Identifier: MIT */
/*
 * Test-guest entry. The file starts with an arm64 Linux Image header, so
 * moat and QEMU load it at RAM base + text_offset (0x40080000, where it is
 * linked) and enter it at EL1h, MMU off, with a DTB address (or 0) in x0.
 */
	.section .head.text, "ax"
	.globl	_head
_head:
	b	_start			/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	_image_size		/* image_size: image, bss and stack */
	.quad	0xa			/* flags: LE, 4K pages, placed anywhere */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

_start:
	msr	daifset, #0xf
	mov	x19, x0
	adr	x1, __stack_top
	mov	sp, x1
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	/* CPACR_EL1.FPEN = 3: FP/SIMD usable at EL1 (only the fp guest uses it). */
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	adr	x1, __bss_start
	adr	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	bl	guest_start		/* does not return */
3:	wfi
	b	3b
