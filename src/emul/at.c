// SPDX-License-Identifier: MIT
/*
 * Software stage-1 walker, EL1&0 regime, VMSAv8-64 (Arm ARM DDI 0487,
 * chapter D8 "The AArch64 Virtual Memory System Architecture"). The
 * checks follow the order the architecture prioritises faults in a
 * single stage of translation: translation (input address, TTBR, walk),
 * address size, access flag, permission. No FEAT_LPA2 (TCR_EL1.DS is
 * treated as 0), no FEAT_PAN3, no FEAT_S1PIE/S1POE. See docs/at.md.
 */
#include "emul/at.h"

#include "arch/regs.h"
#include "arch/esr.h"
#include "emul/at_regs.h"
#include "lib/err.h"

/* The translation parameters of one half of the VA space. */
struct at_ctx {
	const struct at_regs *regs;
	const struct at_mem *mem;
	u64 va;
	enum at_op op;
	u32 gbits;		/* granule: 12, 14 or 16 */
	u32 stride;		/* index bits per level: gbits - 3 */
	u32 inputsize;		/* 64 - TxSZ */
	u32 oabits;		/* effective output-address size */
	s32 start;		/* start level */
	bool hpd, ha, hd;
};

const char *at_op_name(enum at_op op)
{
	static const char *const names[AT_OP_NR] = {
		[AT_S1E1R] = "S1E1R", [AT_S1E1W] = "S1E1W", [AT_S1E0R] = "S1E0R",
		[AT_S1E0W] = "S1E0W", [AT_S1E1RP] = "S1E1RP", [AT_S1E1WP] = "S1E1WP",
	};
	return (unsigned)op < AT_OP_NR ? names[op] : "?";
}

static bool op_is_write(enum at_op op)
{
	return op == AT_S1E1W || op == AT_S1E0W || op == AT_S1E1WP;
}

static bool op_is_el0(enum at_op op)
{
	return op == AT_S1E0R || op == AT_S1E0W;
}

/* ID_AA64MMFR0_EL1.PARange (and TCR_EL1.IPS, same encoding) -> bits. */
static u32 pa_bits(u64 enc)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return enc < ARRAY_SIZE(bits) ? bits[enc] : 48;
}

/*
 * The one place a failed translation is turned into a result: F=1, the
 * FST, PTW and S, bit 11 RES1; every other bit zero (RES0 or, for
 * [63:48], IMPLEMENTATION DEFINED: moat writes 0).
 */
static u64 at_fail(struct at_result *res, u8 fsc_type, s32 level, bool s2, u8 s2_fsc)
{
	u8 fst = s2 ? (u8)(s2_fsc & 0x3f) : (u8)((fsc_type + (u32)level) & 0x3f);

	res->fault = true;
	res->fst = fst;
	res->level = (int8_t)level;
	res->s2 = s2;
	res->par = PAR_EL1_F | FIELD_PREP(PAR_EL1_FST, fst) | PAR_EL1_RES1 |
		   (s2 ? PAR_EL1_PTW | PAR_EL1_S : 0);
	return res->par;
}

/*
 * PAR.SH: the descriptor's shareability, except that Device memory and
 * Normal memory Inner and Outer Non-cacheable are reported Outer
 * Shareable (Arm ARM pseudocode PAREncodeShareability()).
 */
static u8 par_sh(u8 attr, u8 sh)
{
	bool device = FIELD_GET(MAIR_ATTR_OUTER, attr) == 0;
	bool nc = FIELD_GET(MAIR_ATTR_OUTER, attr) == MAIR_ATTR_NC &&
		  FIELD_GET(MAIR_ATTR_INNER, attr) == MAIR_ATTR_NC;

	return device || nc ? PAR_EL1_SH_OS : sh;
}

/* Success: F=0, PA, SH, NS (UNKNOWN for a Non-secure regime: moat writes 1), ATTR, bit 11 RES1. */
static u64 at_ok(struct at_result *res, u64 oa, u8 attr, u8 sh)
{
	res->fault = false;
	res->oa = oa;
	res->attr = attr;
	res->sh = par_sh(attr, sh);
	res->par = (oa & PAR_EL1_PA_52) | FIELD_PREP(PAR_EL1_SH, res->sh) | PAR_EL1_NS |
		   PAR_EL1_RES1 | FIELD_PREP(PAR_EL1_ATTR, attr);
	return res->par;
}

u64 at_par_unspecified_mask(u64 par)
{
	if (par & PAR_EL1_F)
		return PAR_EL1_F1_IMPDEF;
	u64 mask = PAR_EL1_F0_IMPDEF | PAR_EL1_F0_IMPDEF_HI | PAR_EL1_NS;
	u8 attr = (u8)FIELD_GET(PAR_EL1_ATTR, par);
	/*
	 * Before PAREncodeShareability() was written into the architecture,
	 * SH for Device and Non-cacheable memory was an implementation choice
	 * (QEMU 7.2 returns the descriptor's SH).
	 */
	if (par_sh(attr, 0) == PAR_EL1_SH_OS)
		mask |= PAR_EL1_SH;
	return mask;
}

static int read_desc(const struct at_ctx *c, u64 ipa, u64 *desc, struct at_result *res)
{
	int rc = c->mem->read_desc(c->mem->arg, ipa, desc);

	if (rc == 0) {
		if (c->regs->sctlr & SCTLR_EL1_EE)	/* walks are big-endian */
			*desc = __builtin_bswap64(*desc);
		return 0;
	}
	res->s2_ipa = ipa;
	if (rc < 0 && ((-rc) & ~0x3f) == AT_S2_FAULT_TAG)
		at_fail(res, 0, 0, true, (u8)((-rc) & 0x3f));
	else
		at_fail(res, 0, 0, true, ESR_ELx_FSC_EXTABT);
	return -EFAULT;
}

/*
 * Stage 1 disabled (SCTLR_EL1.M == 0): flat mapping, the output address
 * is the VA. An address above the PA size (after the top byte when TBI
 * applies) is an Address size fault at level 0. Data accesses are
 * Device-nGnRnE, hence PAR.ATTR 0x00 and SH 0b10 (HCR_EL2.DC is never
 * set for a moat guest).
 */
static u64 walk_mmu_off(const struct at_regs *regs, u64 va, struct at_result *res)
{
	bool tbi = (va & BIT(55)) ? (regs->tcr & TCR_EL1_TBI1) : (regs->tcr & TCR_EL1_TBI0);
	u32 top = tbi ? 55 : 63;
	u32 pabits = pa_bits(FIELD_GET(ID_AA64MMFR0_EL1_PARange, regs->mmfr0));

	res->level = 0;
	if (va & GENMASK(top, pabits))
		return at_fail(res, ESR_ELx_FSC_ADDRSZ, 0, false, 0);
	res->size = PAGE_SIZE;
	return at_ok(res, va & GENMASK(pabits - 1, 0), 0x00, 0);
}

/* Granule size in bits from TG0/TG1 (their encodings differ). */
static u32 granule_bits(u64 tcr, bool ttbr1)
{
	if (ttbr1) {
		switch (FIELD_GET(TCR_EL1_TG1, tcr)) {
		case TCR_EL1_TG1_16K: return 14;
		case TCR_EL1_TG1_64K: return 16;
		case TCR_EL1_TG1_4K: return 12;
		default: break;
		}
	} else {
		switch (FIELD_GET(TCR_EL1_TG0, tcr)) {
		case TCR_EL1_TG0_16K: return 14;
		case TCR_EL1_TG0_64K: return 16;
		case TCR_EL1_TG0_4K: return 12;
		default: break;
		}
	}
	/* Reserved encoding: IMPLEMENTATION DEFINED choice of an implemented granule; moat: 4K. */
	return 12;
}

/* Is a block descriptor allowed at @level (Arm ARM: AArch64.BlockDescSupported(), DS=0)? */
static bool block_allowed(const struct at_ctx *c, s32 level)
{
	switch (c->gbits) {
	case 12: return level == 1 || level == 2;
	case 14: return level == 2;
	default: return level == 2 || (level == 1 && c->oabits == 52);
	}
}

/* Output address bits [47:lsb] of a descriptor, plus [51:48] for a 52-bit 64K walk. */
static u64 desc_oa(const struct at_ctx *c, u64 desc, u32 lsb)
{
	u64 oa = desc & GENMASK(47, lsb);

	if (c->oabits == 52)
		oa |= FIELD_GET(S1_DESC_OA_51_48, desc) << 48;
	return oa;
}

/* Output address above the OA size in a descriptor: bits [47:oabits] must be zero. */
static bool desc_oa_too_big(const struct at_ctx *c, u64 desc)
{
	return c->oabits < 48 && (desc & GENMASK(47, c->oabits));
}

static u64 walk(struct at_ctx *c, struct at_result *res)
{
	const struct at_regs *regs = c->regs;
	u64 va = c->va;
	bool ttbr1 = (va & BIT(55)) != 0;
	u64 tcr = regs->tcr;
	u64 ttbr = ttbr1 ? regs->ttbr1 : regs->ttbr0;
	u32 tsz = (u32)(ttbr1 ? FIELD_GET(TCR_EL1_T1SZ, tcr) : FIELD_GET(TCR_EL1_T0SZ, tcr));
	bool tbi = ttbr1 ? (tcr & TCR_EL1_TBI1) : (tcr & TCR_EL1_TBI0);
	bool epd = ttbr1 ? (tcr & TCR_EL1_EPD1) : (tcr & TCR_EL1_EPD0);
	u32 top = tbi ? 55 : 63;	/* TBIDx only concerns instruction fetches, never AT */
	u32 min_tsz, max_tsz, parange, ips;

	c->gbits = granule_bits(tcr, ttbr1);
	c->stride = c->gbits - 3;

	/*
	 * TxSZ out of range: IMPLEMENTATION DEFINED whether it is clamped or
	 * gives a Translation fault at level 0 (required with FEAT_LVA for
	 * too small a value); moat faults, as QEMU does.
	 */
	min_tsz = (c->gbits == 16 && FIELD_GET(ID_AA64MMFR2_EL1_VARange, regs->mmfr2)) ? 12 : 16;
	max_tsz = FIELD_GET(ID_AA64MMFR2_EL1_ST, regs->mmfr2) ? (c->gbits == 16 ? 47 : 48) : 39;
	if (tsz < min_tsz || tsz > max_tsz)
		return at_fail(res, ESR_ELx_FSC_FAULT, 0, false, 0);
	c->inputsize = 64 - tsz;

	/* VA outside both ranges: VA[top:inputsize] must all equal VA[55]. Translation fault, level 0. */
	u64 upper = va & GENMASK(top, c->inputsize);
	if (upper != (ttbr1 ? GENMASK(top, c->inputsize) : 0))
		return at_fail(res, ESR_ELx_FSC_FAULT, 0, false, 0);

	/* EPDx: a walk using TTBRx is disabled, Translation fault at level 0. */
	if (epd)
		return at_fail(res, ESR_ELx_FSC_FAULT, 0, false, 0);

	/* Output size: TCR_EL1.IPS capped by PARange; 52 bits only with the 64K granule (no LPA2). */
	parange = (u32)FIELD_GET(ID_AA64MMFR0_EL1_PARange, regs->mmfr0);
	ips = (u32)FIELD_GET(TCR_EL1_IPS, tcr);
	c->oabits = pa_bits(MIN(ips, parange));
	if (c->oabits == 52 && c->gbits != 16)
		c->oabits = 48;

	c->hpd = FIELD_GET(ID_AA64MMFR1_EL1_HPDS, regs->mmfr1) &&
		 (ttbr1 ? (tcr & TCR_EL1_HPD1) : (tcr & TCR_EL1_HPD0));
	c->ha = FIELD_GET(ID_AA64MMFR1_EL1_HAFDBS, regs->mmfr1) >= ID_AA64MMFR1_HAFDBS_AF &&
		(tcr & TCR_EL1_HA);
	c->hd = c->ha && FIELD_GET(ID_AA64MMFR1_EL1_HAFDBS, regs->mmfr1) >= ID_AA64MMFR1_HAFDBS_DBM &&
		(tcr & TCR_EL1_HD);

	/* Start level: 4 - ceil((inputsize - granule) / stride). */
	c->start = 3 - (s32)((c->inputsize - c->gbits - 1) / c->stride);
	u32 start_bits = c->inputsize - c->gbits - c->stride * (u32)(3 - c->start);

	/* TTBR base address out of the OA range: Address size fault at level 0. */
	u64 base = ttbr & GENMASK(47, 1);
	if (c->oabits == 52)
		base |= FIELD_GET(TTBR_EL1_BADDR_51_48, ttbr) << 48;
	else if (base >> c->oabits)
		return at_fail(res, ESR_ELx_FSC_ADDRSZ, 0, false, 0);
	/* BADDR below the table's size is RES0: treated as zero. */
	base &= ~GENMASK(start_bits + 3 - 1, 0);

	bool ap_table0 = false, ap_table1 = false, uxn_table = false, pxn_table = false;
	u64 table = base, desc, ipa;
	s32 level = c->start;

	for (;;) {
		u32 lsb = c->gbits + c->stride * (u32)(3 - level);
		u32 nbits = level == c->start ? start_bits : c->stride;
		u64 idx = (va >> lsb) & GENMASK(nbits - 1, 0);

		ipa = table + idx * 8;
		if (read_desc(c, ipa, &desc, res))
			return res->par;
		res->level = (int8_t)level;

		/* Invalid descriptor, or the reserved "block" encoding at level 3: Translation fault. */
		if (!(desc & S1_DESC_VALID) ||
		    (level == 3 && FIELD_GET(S1_DESC_TYPE, desc) == S1_DESC_TYPE_BLOCK))
			return at_fail(res, ESR_ELx_FSC_FAULT, level, false, 0);
		/* A block where the granule allows none: Translation fault. */
		if (level < 3 && FIELD_GET(S1_DESC_TYPE, desc) == S1_DESC_TYPE_BLOCK &&
		    !block_allowed(c, level))
			return at_fail(res, ESR_ELx_FSC_FAULT, level, false, 0);
		/* Next-level table or output address above the OA size: Address size fault at this level. */
		if (desc_oa_too_big(c, desc))
			return at_fail(res, ESR_ELx_FSC_ADDRSZ, level, false, 0);

		if (level < 3 && FIELD_GET(S1_DESC_TYPE, desc) == S1_DESC_TYPE_TABLE) {
			/* Hierarchical controls, unless TCR_EL1.HPDx disables them (FEAT_HPDS). */
			if (!c->hpd) {
				ap_table0 |= (desc & S1_DESC_APTABLE0) != 0;
				ap_table1 |= (desc & S1_DESC_APTABLE1) != 0;
				uxn_table |= (desc & S1_DESC_UXNTABLE) != 0;
				pxn_table |= (desc & S1_DESC_PXNTABLE) != 0;
			}
			table = desc_oa(c, desc, c->gbits);
			level++;
			continue;
		}
		break;
	}

	/* Leaf: a block at level 1-2 or a page at level 3. */
	u32 lsb = c->gbits + c->stride * (u32)(3 - level);
	res->desc = desc;
	res->desc_ipa = ipa;
	res->size = 1ULL << lsb;

	/* AP[2:1] after APTable: APTable[1] removes write, APTable[0] removes EL0 access. */
	bool ap2 = (desc & S1_DESC_AP2) || ap_table1;
	bool ap1 = (desc & S1_DESC_AP1) && !ap_table0;
	/* Dirty state (FEAT_HAFDBS): DBM=1 makes a read-only page writable; moat's AT leaves it clean. */
	bool dbm_w = c->hd && (desc & S1_DESC_DBM) && (desc & S1_DESC_AP2) && !ap_table1;
	bool wxn = (c->regs->sctlr & SCTLR_EL1_WXN) != 0;

	res->el0_r = ap1;
	res->el0_w = ap1 && (!ap2 || dbm_w);
	res->el1_r = true;
	res->el1_w = !ap2 || dbm_w;
	/* WXN: writable means execute-never; EL1 never executes what EL0 can write. */
	res->el0_x = !(desc & S1_DESC_UXN) && !uxn_table && !(wxn && res->el0_w);
	res->el1_x = !(desc & S1_DESC_PXN) && !pxn_table && !(wxn && res->el1_w) && !res->el0_w;

	bool write = op_is_write(c->op);
	bool ok;
	if (op_is_el0(c->op)) {
		ok = write ? res->el0_w : res->el0_r;
	} else {
		/*
		 * PAN: a privileged data access to a page EL0 can access
		 * (AP[1] == 1) faults. AT S1E1RP/S1E1WP honour PSTATE.PAN;
		 * AT S1E1R/S1E1W do not (AccType_AT vs AccType_ATPAN).
		 */
		bool pan = (c->op == AT_S1E1RP || c->op == AT_S1E1WP) &&
			   (c->regs->pstate & PSR_PAN) && ap1;
		res->pan_blocked = pan;
		ok = !pan && (write ? res->el1_w : res->el1_r);
	}

	/* Access flag: a fault at this level, unless hardware management is on (then set it). */
	if (!(desc & S1_DESC_AF)) {
		if (!c->ha)
			return at_fail(res, ESR_ELx_FSC_ACCESS, level, false, 0);
		if (!ok)
			return at_fail(res, ESR_ELx_FSC_PERM, level, false, 0);
		if (c->mem->update_desc) {
			u64 old = desc, upd = desc | S1_DESC_AF;
			if (c->regs->sctlr & SCTLR_EL1_EE) {
				old = __builtin_bswap64(old);
				upd = __builtin_bswap64(upd);
			}
			int rc = c->mem->update_desc(c->mem->arg, ipa, old, upd);
			if (rc == AT_DESC_CHANGED)
				return AT_DESC_CHANGED;	/* caller restarts the walk */
			if (rc < 0) {
				res->s2_ipa = ipa;
				if (((-rc) & ~0x3f) == AT_S2_FAULT_TAG)
					return at_fail(res, 0, 0, true, (u8)((-rc) & 0x3f));
				return at_fail(res, 0, 0, true, ESR_ELx_FSC_EXTABT);
			}
			res->desc = desc | S1_DESC_AF;
		}
	}
	if (!ok)
		return at_fail(res, ESR_ELx_FSC_PERM, level, false, 0);

	u8 attr = (u8)(c->regs->mair >> (8 * FIELD_GET(S1_DESC_ATTRINDX, desc)));
	u64 oa = desc_oa(c, desc, lsb) | (va & GENMASK(lsb - 1, 0));
	return at_ok(res, oa, attr, (u8)FIELD_GET(S1_DESC_SH, desc));
}

u64 at_walk(const struct at_regs *regs, const struct at_mem *mem, u64 va, enum at_op op,
	    struct at_result *res)
{
	struct at_ctx c = { .regs = regs, .mem = mem, .va = va, .op = op };

	*res = (struct at_result){ 0 };
	if ((unsigned)op >= AT_OP_NR)
		return at_fail(res, ESR_ELx_FSC_FAULT, 0, false, 0);
	if (!(regs->sctlr & SCTLR_EL1_M))
		return walk_mmu_off(regs, va, res);
	/* A concurrent change of a descriptor under a hardware AF update: walk again (bounded). */
	for (int tries = 0; tries < 16; tries++) {
		*res = (struct at_result){ 0 };
		if (walk(&c, res) != AT_DESC_CHANGED)
			return res->par;
	}
	/* The guest keeps rewriting its tables: report what a racing CPU could see. */
	return at_fail(res, ESR_ELx_FSC_ACCESS, res->level, false, 0);
}

u64 at_translate(const struct at_regs *regs, const struct at_mem *mem, u64 va, enum at_op op)
{
	struct at_result res;

	return at_walk(regs, mem, va, op, &res);
}
