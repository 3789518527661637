/* SPDX-License-Identifier: MIT */
/*
 * Register and descriptor fields the software stage-1 walker (emul/at.c)
 * needs, by their Arm ARM names (DDI 0487, VMSAv8-64). Constants only:
 * the host build uses this file as is.
 */
#ifndef MOAT_EMUL_AT_REGS_H
#define MOAT_EMUL_AT_REGS_H

#include "lib/bitfield.h"

/* SCTLR_EL1 (SCTLR_EL1_M is in arch/regs.h) */
#define SCTLR_EL1_C		BIT(2)
#define SCTLR_EL1_WXN		BIT(19)
#define SCTLR_EL1_EE		BIT(25)
#define SCTLR_EL1_EPAN		BIT(57)

/* TCR_EL1 */
#define TCR_EL1_T0SZ		GENMASK(5, 0)
#define TCR_EL1_EPD0		BIT(7)
#define TCR_EL1_IRGN0		GENMASK(9, 8)
#define TCR_EL1_ORGN0		GENMASK(11, 10)
#define TCR_EL1_SH0		GENMASK(13, 12)
#define TCR_EL1_TG0		GENMASK(15, 14)
#define TCR_EL1_T1SZ		GENMASK(21, 16)
#define TCR_EL1_A1		BIT(22)
#define TCR_EL1_EPD1		BIT(23)
#define TCR_EL1_IRGN1		GENMASK(25, 24)
#define TCR_EL1_ORGN1		GENMASK(27, 26)
#define TCR_EL1_SH1		GENMASK(29, 28)
#define TCR_EL1_TG1		GENMASK(31, 30)
#define TCR_EL1_IPS		GENMASK(34, 32)
#define TCR_EL1_AS		BIT(36)
#define TCR_EL1_TBI0		BIT(37)
#define TCR_EL1_TBI1		BIT(38)
#define TCR_EL1_HA		BIT(39)
#define TCR_EL1_HD		BIT(40)
#define TCR_EL1_HPD0		BIT(41)
#define TCR_EL1_HPD1		BIT(42)
#define TCR_EL1_TBID0		BIT(51)
#define TCR_EL1_TBID1		BIT(52)
#define TCR_EL1_DS		BIT(59)
/* TG0 and TG1 encode the granule differently. */
#define TCR_EL1_TG0_4K		0
#define TCR_EL1_TG0_64K		1
#define TCR_EL1_TG0_16K		2
#define TCR_EL1_TG1_16K		1
#define TCR_EL1_TG1_4K		2
#define TCR_EL1_TG1_64K		3

/* TTBRn_EL1 */
#define TTBR_EL1_CnP		BIT(0)
#define TTBR_EL1_BADDR		GENMASK(47, 1)
#define TTBR_EL1_BADDR_51_48	GENMASK(5, 2)	/* 64K granule, 52-bit OA (FEAT_LPA) */
#define TTBR_EL1_ASID		GENMASK(63, 48)

/* PAR_EL1, 64-bit format (PAR_EL1_F and PAR_EL1_PA[47:12] are in arch/regs.h) */
#define PAR_EL1_FST		GENMASK(6, 1)	/* F=1 */
#define PAR_EL1_SH		GENMASK(8, 7)	/* F=0 */
#define PAR_EL1_PTW		BIT(8)		/* F=1 */
#define PAR_EL1_NS		BIT(9)		/* F=0 */
#define PAR_EL1_S		BIT(9)		/* F=1 */
#define PAR_EL1_F0_IMPDEF	BIT(10)		/* F=0 */
#define PAR_EL1_RES1		BIT(11)
#define PAR_EL1_PA_52		GENMASK(51, 12)	/* FEAT_LPA */
#define PAR_EL1_F0_IMPDEF_HI	GENMASK(55, 52)	/* F=0 */
#define PAR_EL1_ATTR		GENMASK(63, 56)	/* F=0 */
#define PAR_EL1_F1_IMPDEF	GENMASK(63, 48)	/* F=1 */
#define PAR_EL1_SH_NS		0	/* Non-shareable */
#define PAR_EL1_SH_OS		2	/* Outer Shareable */
#define PAR_EL1_SH_IS		3	/* Inner Shareable */

/* VMSAv8-64 stage-1 descriptors */
#define S1_DESC_VALID		BIT(0)
#define S1_DESC_TABLE		BIT(1)	/* at levels 0-2: table; at level 3: page */
#define S1_DESC_TYPE		GENMASK(1, 0)
#define S1_DESC_TYPE_BLOCK	1
#define S1_DESC_TYPE_TABLE	3	/* also "page" at level 3 */
#define S1_DESC_ATTRINDX	GENMASK(4, 2)
#define S1_DESC_NS		BIT(5)
#define S1_DESC_AP		GENMASK(7, 6)	/* AP[2:1] */
#define S1_DESC_AP1		BIT(6)		/* AP[1]: EL0 access */
#define S1_DESC_AP2		BIT(7)		/* AP[2]: read-only */
#define S1_DESC_SH		GENMASK(9, 8)
#define S1_DESC_AF		BIT(10)
#define S1_DESC_nG		BIT(11)
#define S1_DESC_OA_51_48	GENMASK(15, 12)	/* 64K granule, 52-bit OA */
#define S1_DESC_OA		GENMASK(47, 12)	/* further limited by the granule/level */
#define S1_DESC_GP		BIT(50)
#define S1_DESC_DBM		BIT(51)
#define S1_DESC_CONT		BIT(52)
#define S1_DESC_PXN		BIT(53)
#define S1_DESC_UXN		BIT(54)
#define S1_DESC_PXNTABLE	BIT(59)
#define S1_DESC_UXNTABLE	BIT(60)
#define S1_DESC_APTABLE		GENMASK(62, 61)
#define S1_DESC_APTABLE0	BIT(61)		/* no EL0 access below */
#define S1_DESC_APTABLE1	BIT(62)		/* no write access below */
#define S1_DESC_NSTABLE		BIT(63)

/* ID registers (ID_AA64MMFR1_EL1_HAFDBS is in arch/regs.h) */
#define ID_AA64MMFR0_EL1_PARange	GENMASK(3, 0)
#define ID_AA64MMFR1_EL1_HPDS		GENMASK(15, 12)
#define ID_AA64MMFR1_EL1_PAN		GENMASK(23, 20)
#define ID_AA64MMFR1_HAFDBS_AF		1	/* hardware Access flag update */
#define ID_AA64MMFR1_HAFDBS_DBM		2	/* ... and dirty state */
#define ID_AA64MMFR2_EL1_ST		GENMASK(31, 28)	/* FEAT_TTST: small translation tables */
#define ID_AA64MMFR2_EL1_VARange	GENMASK(19, 16)	/* FEAT_LVA: 52-bit VA with 64K */

/* MAIR_EL1 attribute bytes */
#define MAIR_ATTR_OUTER		GENMASK(7, 4)
#define MAIR_ATTR_INNER		GENMASK(3, 0)
#define MAIR_ATTR_NC		0x4	/* Normal Non-cacheable (inner or outer nibble) */

#endif
