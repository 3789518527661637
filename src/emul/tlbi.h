/* SPDX-License-Identifier: MIT */
/*
 * The TLB maintenance instructions a guest can issue at EL1 (TLBI VMALLE1,
 * VAE1, ASIDE1, VAAE1, VALE1, VAALE1, the range forms RVAE1.., each
 * non-shareable, Inner Shareable or Outer Shareable, each also as nXS):
 * decoded from a trapped SYS instruction's syndrome, checked against the
 * features the guest is shown, and their operand sanitised for replay at
 * EL2. Portable: no hardware access (core/tlbi_trap.c does the replay).
 * docs/traps.md explains the modes that use this.
 */
#ifndef MOAT_EMUL_TLBI_H
#define MOAT_EMUL_TLBI_H
#include "lib/bitfield.h"
#include "lib/types.h"

/* ID register fields that say which TLBI forms exist (Arm ARM D19). */
#define ID_AA64ISAR0_EL1_TLB	GENMASK(59, 56)	/* 1: FEAT_TLBIOS, 2: + FEAT_TLBIRANGE */
#define ID_AA64ISAR0_EL1_TLB_OS		1
#define ID_AA64ISAR0_EL1_TLB_RANGE	2
#define ID_AA64ISAR1_EL1_XS	GENMASK(59, 56)	/* 1: FEAT_XS (the nXS forms) */
#define ID_AA64MMFR0_EL1_ASIDBITS GENMASK(7, 4)	/* 2: 16-bit ASIDs */
#define ID_AA64MMFR0_EL1_ASIDBITS_16	2
#define ID_AA64MMFR2_EL1_TTL	GENMASK(51, 48)	/* 1: FEAT_TTL (level hints) */
#define ID_AA64MMFR2_EL1_EVT	GENMASK(59, 56)	/* 2: HCR_EL2.TTLBIS/TTLBOS exist */
#define ID_AA64MMFR2_EL1_EVT_TTLBXS	2
#define TCR_EL1_AS		BIT(36)		/* 16-bit ASIDs in use */

/* The operand of the by-VA forms (TLBI VAE1 and friends). */
#define TLBI_VA_ASID		GENMASK(63, 48)
#define TLBI_VA_ASID8		GENMASK(55, 48)	/* the ASID with 8-bit ASIDs */
#define TLBI_VA_TTL		GENMASK(47, 44)	/* FEAT_TTL: TG[3:2], level[1:0] */
#define TLBI_VA_TTL_TG		GENMASK(3, 2)
#define TLBI_VA_TTL_LEVEL	GENMASK(1, 0)
#define TLBI_VA_VA		GENMASK(43, 0)	/* VA[55:12] */
/* The operand of the range forms (TLBI RVAE1 and friends, FEAT_TLBIRANGE). */
#define TLBI_RANGE_ASID		GENMASK(63, 48)
#define TLBI_RANGE_TG		GENMASK(47, 46)	/* 0: reserved, 1: 4K, 2: 16K, 3: 64K */
#define TLBI_RANGE_SCALE	GENMASK(45, 44)
#define TLBI_RANGE_NUM		GENMASK(43, 39)
#define TLBI_RANGE_TTL		GENMASK(38, 37)	/* level hint, 0 = any */
#define TLBI_RANGE_BADDR	GENMASK(36, 0)	/* base address in granules */

/* Translation granule encodings shared by TTL.TG and the range TG field. */
#define TLBI_TG_NONE		0
#define TLBI_TG_4K		1
#define TLBI_TG_16K		2
#define TLBI_TG_64K		3

enum tlbi_op {
	TLBI_VMALLE1,		/* all entries of the VM's EL1&0 regime */
	TLBI_VAE1,		/* one VA, one ASID (and global entries) */
	TLBI_ASIDE1,		/* one ASID (not global entries) */
	TLBI_VAAE1,		/* one VA, every ASID */
	TLBI_VALE1,		/* VAE1, last level only */
	TLBI_VAALE1,		/* VAAE1, last level only */
	TLBI_RVAE1,		/* a VA range, one ASID */
	TLBI_RVAAE1,		/* a VA range, every ASID */
	TLBI_RVALE1,
	TLBI_RVAALE1,
	TLBI_OP_NR,
};

enum tlbi_shr {
	TLBI_SHR_NSH,		/* this PE only */
	TLBI_SHR_IS,		/* ...IS: the Inner Shareable domain */
	TLBI_SHR_OS,		/* ...OS: the Outer Shareable domain (FEAT_TLBIOS) */
};

/* What an operation's operand selects. */
enum tlbi_scope {
	TLBI_SCOPE_ALL,		/* operand ignored */
	TLBI_SCOPE_ASID,	/* ASID only */
	TLBI_SCOPE_VA,		/* ASID + VA */
	TLBI_SCOPE_VAA,		/* VA, any ASID */
};

struct tlbi_op_info {
	const char *name;	/* "vae1": shareability and nXS are suffixes */
	enum tlbi_scope scope;
	bool last_level;
	bool range;
};

/** Name, scope and kind of each operation. */
extern const struct tlbi_op_info tlbi_op_info[TLBI_OP_NR];

/** One decoded TLBI instruction. */
struct tlbi_insn {
	enum tlbi_op op;
	enum tlbi_shr shr;
	bool nxs;		/* the nXS form (CRn = 9, FEAT_XS) */
};

/** What the guest is told exists, and the stage-1 context that shapes operands. */
struct tlbi_features {
	bool os;		/* FEAT_TLBIOS */
	bool range;		/* FEAT_TLBIRANGE */
	bool ttl;		/* FEAT_TTL */
	bool xs;		/* FEAT_XS */
	bool asid16;		/* 16-bit ASIDs implemented and selected by TCR_EL1.AS */
};

/**
 * Fill @f from the guest's view of ID_AA64ISAR0/ISAR1/MMFR0/MMFR2_EL1 and
 * its live TCR_EL1.
 */
void tlbi_features_from_id(struct tlbi_features *f, u64 isar0, u64 isar1, u64 mmfr0, u64 mmfr2,
			   u64 tcr_el1);

/**
 * Decode the trapped SYS instruction whose syndrome encoding (ESR_ELx
 * ISS op0/op1/CRn/CRm/op2 bits, ESR_ELx_SYS64_REG_MASK) is @enc. Returns
 * 0, -EINVAL for an encoding that is not an EL1 TLBI, or -ENOTSUP for a
 * form whose feature @f does not advertise: either is an UNDEF for the
 * guest.
 */
int tlbi_decode(u32 enc, const struct tlbi_features *f, struct tlbi_insn *out);

/**
 * The operand to replay @t with at EL2 (precise mode): @operand with the
 * bits that are RES0 for this operation and context cleared (ASID above 8
 * bits without 16-bit ASIDs, TTL without FEAT_TTL or when reserved, the
 * whole operand where it is ignored). *@replay is the instruction to
 * issue: @t itself, or TLBI VMALLE1 of the same shareability when the
 * operand names no defined range (reserved range TG), a strictly larger
 * invalidation.
 */
u64 tlbi_sanitise(const struct tlbi_insn *t, const struct tlbi_features *f, u64 operand,
		  struct tlbi_insn *replay);

/** The SYS encoding (CRn, CRm, op2; op0 = 1, op1 = 0) of @t. */
void tlbi_encode(const struct tlbi_insn *t, u32 *crn, u32 *crm, u32 *op2);
#endif
