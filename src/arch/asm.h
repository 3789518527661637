/* SPDX-License-Identifier: MIT */
/* Assembler macros shared by the .S files. */
#ifndef MOAT_ARCH_ASM_H
#define MOAT_ARCH_ASM_H
#ifdef __ASSEMBLY__
	/* Load a 64-bit constant. */
	.macro mov_q, reg, val
	movz	\reg, #:abs_g3:\val
	movk	\reg, #:abs_g2_nc:\val
	movk	\reg, #:abs_g1_nc:\val
	movk	\reg, #:abs_g0_nc:\val
	.endm
	/* PC-relative address of a symbol anywhere within 4 GiB. */
	.macro adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm
#endif
#endif
