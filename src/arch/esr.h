/* SPDX-License-Identifier: MIT */
/*
 * ESR_ELx (Exception Syndrome Register) fields, with the Arm ARM's names.
 * Architecture constants only (data, no code): emul/ decodes syndromes
 * with them, core/esr.h adds the decoders for logs and the panic dump.
 */
#ifndef MOAT_ARCH_ESR_H
#define MOAT_ARCH_ESR_H

#include "lib/bitfield.h"

/* Top-level layout. */
#define ESR_ELx_ISS2		GENMASK(55, 32)	/* FEAT_LS64, FEAT_THE, ... */
#define ESR_ELx_EC		GENMASK(31, 26)
#define ESR_ELx_IL		BIT(25)		/* 32-bit instruction trapped */
#define ESR_ELx_ISS		GENMASK(24, 0)

/* Exception classes (ESR_ELx.EC). */
#define ESR_ELx_EC_UNKNOWN	0x00	/* unknown reason */
#define ESR_ELx_EC_WFx		0x01	/* WFI/WFE/WFIT/WFET */
#define ESR_ELx_EC_CP15_32	0x03	/* AArch32 MCR/MRC, coproc 0b1111 */
#define ESR_ELx_EC_CP15_64	0x04	/* AArch32 MCRR/MRRC, coproc 0b1111 */
#define ESR_ELx_EC_CP14_MR	0x05	/* AArch32 MCR/MRC, coproc 0b1110 */
#define ESR_ELx_EC_CP14_LS	0x06	/* AArch32 LDC/STC, coproc 0b1110 */
#define ESR_ELx_EC_FP_ASIMD	0x07	/* SVE/SIMD/FP access trapped */
#define ESR_ELx_EC_CP10_ID	0x08	/* AArch32 VMRS of an ID register */
#define ESR_ELx_EC_PAC		0x09	/* pointer authentication instruction trapped */
#define ESR_ELx_EC_LS64		0x0a	/* FEAT_LS64 LD64B/ST64B* trapped */
#define ESR_ELx_EC_CP14_64	0x0c	/* AArch32 MCRR/MRRC, coproc 0b1110 */
#define ESR_ELx_EC_BTI		0x0d	/* branch target exception */
#define ESR_ELx_EC_ILL		0x0e	/* illegal execution state */
#define ESR_ELx_EC_SVC32	0x11
#define ESR_ELx_EC_HVC32	0x12
#define ESR_ELx_EC_SMC32	0x13
#define ESR_ELx_EC_SVC64	0x15
#define ESR_ELx_EC_HVC64	0x16
#define ESR_ELx_EC_SMC64	0x17
#define ESR_ELx_EC_SYS64	0x18	/* MSR/MRS/SYS trapped */
#define ESR_ELx_EC_SVE		0x19	/* SVE access trapped */
#define ESR_ELx_EC_ERET		0x1a	/* ERET/ERETAA/ERETAB trapped (FEAT_NV) */
#define ESR_ELx_EC_TSTART	0x1b	/* FEAT_TME TSTART trapped */
#define ESR_ELx_EC_FPAC		0x1c	/* pointer authentication failure (FEAT_FPAC) */
#define ESR_ELx_EC_SME		0x1d	/* SME access trapped */
#define ESR_ELx_EC_IMP_DEF	0x1f	/* implementation defined, to EL3 */
#define ESR_ELx_EC_IABT_LOW	0x20
#define ESR_ELx_EC_IABT_CUR	0x21
#define ESR_ELx_EC_PC_ALIGN	0x22
#define ESR_ELx_EC_DABT_LOW	0x24
#define ESR_ELx_EC_DABT_CUR	0x25
#define ESR_ELx_EC_SP_ALIGN	0x26
#define ESR_ELx_EC_MOPS		0x27	/* FEAT_MOPS memory copy/set exception */
#define ESR_ELx_EC_FP_EXC32	0x28
#define ESR_ELx_EC_FP_EXC64	0x2c
#define ESR_ELx_EC_GCS		0x2d	/* FEAT_GCS guarded control stack */
#define ESR_ELx_EC_SERROR	0x2f
#define ESR_ELx_EC_BREAKPT_LOW	0x30
#define ESR_ELx_EC_BREAKPT_CUR	0x31
#define ESR_ELx_EC_SOFTSTP_LOW	0x32
#define ESR_ELx_EC_SOFTSTP_CUR	0x33
#define ESR_ELx_EC_WATCHPT_LOW	0x34
#define ESR_ELx_EC_WATCHPT_CUR	0x35
#define ESR_ELx_EC_BKPT32	0x38
#define ESR_ELx_EC_VECTOR32	0x3a	/* AArch32 vector catch */
#define ESR_ELx_EC_BRK64	0x3c
#define ESR_ELx_EC_MAX		0x3f

/* Instruction and data aborts (EC 0x20, 0x21, 0x24, 0x25). */
#define ESR_ELx_ISV		BIT(24)		/* DABT: bits 23:14 are valid */
#define ESR_ELx_SAS		GENMASK(23, 22)	/* DABT: access size, log2 bytes */
#define ESR_ELx_SSE		BIT(21)		/* DABT: sign-extend the load */
#define ESR_ELx_SRT		GENMASK(20, 16)	/* DABT: register transferred */
#define ESR_ELx_SF		BIT(15)		/* DABT: 64-bit register */
#define ESR_ELx_AR		BIT(14)		/* DABT: acquire/release semantics */
#define ESR_ELx_VNCR		BIT(13)		/* DABT: fault from VNCR_EL2 access (FEAT_NV2) */
#define ESR_ELx_SET		GENMASK(12, 11)	/* synchronous error type */
#define ESR_ELx_LST		GENMASK(12, 11)	/* DABT, DFSC 0x35: load/store type */
#define ESR_ELx_FnV		BIT(10)		/* FAR not valid */
#define ESR_ELx_EA		BIT(9)		/* external abort type */
#define ESR_ELx_CM		BIT(8)		/* DABT: cache maintenance */
#define ESR_ELx_S1PTW		BIT(7)		/* stage-2 fault on a stage-1 walk */
#define ESR_ELx_WnR		BIT(6)		/* DABT: write, not read */
#define ESR_ELx_DFSC		GENMASK(5, 0)
#define ESR_ELx_IFSC		GENMASK(5, 0)
#define ESR_ELx_xFSC_TYPE	GENMASK(5, 2)	/* fault status code without the level */
#define ESR_ELx_xFSC_LEVEL	GENMASK(1, 0)

/* Fault status codes (DFSC/IFSC), the ones with a level are given for level 0. */
#define ESR_ELx_FSC_ADDRSZ	0x00	/* + level 0..3; level -1: 0x29 */
#define ESR_ELx_FSC_ADDRSZ_LM1	0x29
#define ESR_ELx_FSC_FAULT	0x04	/* translation fault, + level; level -1: 0x2b */
#define ESR_ELx_FSC_FAULT_LM1	0x2b
#define ESR_ELx_FSC_ACCESS	0x08	/* access flag fault, + level */
#define ESR_ELx_FSC_PERM	0x0c	/* permission fault, + level */
#define ESR_ELx_FSC_EXTABT	0x10	/* synchronous external abort, not on a walk */
#define ESR_ELx_FSC_MTE		0x11	/* synchronous tag check fault */
#define ESR_ELx_FSC_SEA_TTW_LM1	0x13	/* external abort on walk, level -1 */
#define ESR_ELx_FSC_SEA_TTW	0x14	/* external abort on walk, + level */
#define ESR_ELx_FSC_SERROR	0x18	/* synchronous parity/ECC error */
#define ESR_ELx_FSC_SECC_TTW_LM1 0x1b	/* parity/ECC error on walk, level -1 */
#define ESR_ELx_FSC_SECC_TTW	0x1c	/* parity/ECC error on walk, + level */
#define ESR_ELx_FSC_ALIGN	0x21	/* alignment fault */
#define ESR_ELx_FSC_GPF_TTW_LM1	0x23	/* granule protection fault on walk, level -1 */
#define ESR_ELx_FSC_GPF_TTW	0x24	/* granule protection fault on walk, + level */
#define ESR_ELx_FSC_GPF		0x28	/* granule protection fault, not on a walk */
#define ESR_ELx_FSC_TLB_CONFLICT 0x30
#define ESR_ELx_FSC_UNSUPP_ATOMIC 0x31	/* unsupported atomic hardware update */
#define ESR_ELx_FSC_LOCKDOWN	0x34	/* IMPLEMENTATION DEFINED */
#define ESR_ELx_FSC_EXCL_ATOMIC	0x35	/* IMPLEMENTATION DEFINED: unsupported exclusive/atomic */

/* Trapped MSR/MRS/SYS (EC 0x18). */
#define ESR_ELx_SYS64_OP0	GENMASK(21, 20)
#define ESR_ELx_SYS64_OP2	GENMASK(19, 17)
#define ESR_ELx_SYS64_OP1	GENMASK(16, 14)
#define ESR_ELx_SYS64_CRN	GENMASK(13, 10)
#define ESR_ELx_SYS64_RT	GENMASK(9, 5)
#define ESR_ELx_SYS64_CRM	GENMASK(4, 1)
#define ESR_ELx_SYS64_DIR	BIT(0)		/* 1: read (MRS), 0: write (MSR) */
/* The fields naming the register (everything but Rt and Direction). */
#define ESR_ELx_SYS64_REG_MASK	(ESR_ELx_SYS64_OP0 | ESR_ELx_SYS64_OP2 | ESR_ELx_SYS64_OP1 | \
				 ESR_ELx_SYS64_CRN | ESR_ELx_SYS64_CRM)
#define ESR_ELx_SYS64_REG(op0, op1, crn, crm, op2)                                              \
	(FIELD_PREP(ESR_ELx_SYS64_OP0, op0) | FIELD_PREP(ESR_ELx_SYS64_OP1, op1) |             \
	 FIELD_PREP(ESR_ELx_SYS64_CRN, crn) | FIELD_PREP(ESR_ELx_SYS64_CRM, crm) |             \
	 FIELD_PREP(ESR_ELx_SYS64_OP2, op2))

/* WFI/WFE (EC 0x01). */
#define ESR_ELx_WFx_CV		BIT(24)
#define ESR_ELx_WFx_COND	GENMASK(23, 20)
#define ESR_ELx_WFx_RN		GENMASK(9, 5)	/* WFIT/WFET register */
#define ESR_ELx_WFx_RV		BIT(2)		/* RN is valid */
#define ESR_ELx_WFx_TI		GENMASK(1, 0)
#define ESR_ELx_WFx_TI_WFI	0
#define ESR_ELx_WFx_TI_WFE	1
#define ESR_ELx_WFx_TI_WFIT	2
#define ESR_ELx_WFx_TI_WFET	3

/* SVC/HVC/SMC (EC 0x11..0x17) and BRK (EC 0x3c): the immediate. */
#define ESR_ELx_xVC_IMM		GENMASK(15, 0)
#define ESR_ELx_BRK64_COMMENT	GENMASK(15, 0)

/* SError (EC 0x2f). */
#define ESR_ELx_SERR_IDS	BIT(24)		/* implementation defined syndrome */
#define ESR_ELx_SERR_IESB	BIT(13)
#define ESR_ELx_SERR_AET	GENMASK(12, 10)	/* asynchronous error type */
#define ESR_ELx_SERR_EA		BIT(9)
#define ESR_ELx_SERR_DFSC	GENMASK(5, 0)

/* Watchpoints (EC 0x34, 0x35). */
#define ESR_ELx_WATCHPT_WNR	BIT(6)

/* Helpers. */
static inline u32 esr_ec(u64 esr) { return (u32)FIELD_GET(ESR_ELx_EC, esr); }
static inline u32 esr_iss(u64 esr) { return (u32)FIELD_GET(ESR_ELx_ISS, esr); }
static inline bool esr_il32(u64 esr) { return FIELD_GET(ESR_ELx_IL, esr) != 0; }

#endif
