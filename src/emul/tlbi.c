// SPDX-License-Identifier: MIT
/*
 * Decoding and sanitising the guest's TLB maintenance instructions. See
 * emul/tlbi.h; the replay itself is core/tlbi_trap.c.
 *
 * Why EL2 can replay a guest's by-VA operand as it is, apart from the
 * RES0 bits cleared below: the EL1 TLBI forms that EL2 issues act on the
 * EL1&0 regime of the current VMID (VTTBR_EL2, the guest's own while its
 * vCPU is loaded), and that regime is the guest's: its TCR_EL1 is still
 * in the CPU. The operand holds VA[55:12] only, so the top byte the
 * guest's TBI ignores is never part of it, and VA[55] still says which
 * half (TTBR0/TTBR1) is meant. The granule decides which low bits of
 * VA[55:12] name a page (VA[13:12] are RES0 with 16K, VA[15:12] with
 * 64K); the TLB matches them against entries of their own size, whoever
 * issues the instruction. So neither TBI nor the granule changes what EL2
 * must do: only the fields whose meaning depends on a feature or a
 * control bit the guest sees differently from the CPU (the ASID width,
 * TTL without FEAT_TTL) are cleared.
 *
 * Whatever the operand, a replay cannot reach another VM: the VMID is
 * moat's, not part of the operand. A wrong or hostile operand can only
 * leave the guest's own stale entries (its problem) or, where moat
 * widens it, invalidate more of the guest's own entries (always safe).
 */
#include "emul/tlbi.h"
#include "arch/esr.h"
#include "lib/err.h"

const struct tlbi_op_info tlbi_op_info[TLBI_OP_NR] = {
	[TLBI_VMALLE1] = { "vmalle1", TLBI_SCOPE_ALL, false, false },
	[TLBI_VAE1] = { "vae1", TLBI_SCOPE_VA, false, false },
	[TLBI_ASIDE1] = { "aside1", TLBI_SCOPE_ASID, false, false },
	[TLBI_VAAE1] = { "vaae1", TLBI_SCOPE_VAA, false, false },
	[TLBI_VALE1] = { "vale1", TLBI_SCOPE_VA, true, false },
	[TLBI_VAALE1] = { "vaale1", TLBI_SCOPE_VAA, true, false },
	[TLBI_RVAE1] = { "rvae1", TLBI_SCOPE_VA, false, true },
	[TLBI_RVAAE1] = { "rvaae1", TLBI_SCOPE_VAA, false, true },
	[TLBI_RVALE1] = { "rvale1", TLBI_SCOPE_VA, true, true },
	[TLBI_RVAALE1] = { "rvaale1", TLBI_SCOPE_VAA, true, true },
};

/* SYS encodings: op0 = 1, op1 = 0, CRn = 8 (CRn = 9: the nXS forms). */
#define TLBI_OP0		1
#define TLBI_CRN		8
#define TLBI_CRN_NXS		9

/* CRm selects shareability and whether op2 names a range form. */
#define TLBI_CRM_OS		1
#define TLBI_CRM_RANGE_IS	2
#define TLBI_CRM_IS		3
#define TLBI_CRM_RANGE_OS	5
#define TLBI_CRM_RANGE		6
#define TLBI_CRM_NSH		7

#define TLBI_OP2_NONE		0xff

/* op2 -> operation, for the non-range CRm values and for the range ones. */
static const u8 op2_plain[8] = {
	TLBI_VMALLE1, TLBI_VAE1, TLBI_ASIDE1, TLBI_VAAE1,
	TLBI_OP2_NONE, TLBI_VALE1, TLBI_OP2_NONE, TLBI_VAALE1,
};
static const u8 op2_range[8] = {
	TLBI_OP2_NONE, TLBI_RVAE1, TLBI_OP2_NONE, TLBI_RVAAE1,
	TLBI_OP2_NONE, TLBI_RVALE1, TLBI_OP2_NONE, TLBI_RVAALE1,
};

void tlbi_features_from_id(struct tlbi_features *f, u64 isar0, u64 isar1, u64 mmfr0, u64 mmfr2,
			   u64 tcr_el1)
{
	u64 tlb = FIELD_GET(ID_AA64ISAR0_EL1_TLB, isar0);

	f->os = tlb >= ID_AA64ISAR0_EL1_TLB_OS;
	f->range = tlb >= ID_AA64ISAR0_EL1_TLB_RANGE;
	f->xs = FIELD_GET(ID_AA64ISAR1_EL1_XS, isar1) != 0;
	f->ttl = FIELD_GET(ID_AA64MMFR2_EL1_TTL, mmfr2) != 0;
	/* TCR_EL1.AS is RES0 without 16-bit ASIDs: the CPU uses 8 bits then. */
	f->asid16 = FIELD_GET(ID_AA64MMFR0_EL1_ASIDBITS, mmfr0) == ID_AA64MMFR0_EL1_ASIDBITS_16 &&
		    (tcr_el1 & TCR_EL1_AS);
}

int tlbi_decode(u32 enc, const struct tlbi_features *f, struct tlbi_insn *out)
{
	u32 op0 = (u32)FIELD_GET(ESR_ELx_SYS64_OP0, enc);
	u32 op1 = (u32)FIELD_GET(ESR_ELx_SYS64_OP1, enc);
	u32 crn = (u32)FIELD_GET(ESR_ELx_SYS64_CRN, enc);
	u32 crm = (u32)FIELD_GET(ESR_ELx_SYS64_CRM, enc);
	u32 op2 = (u32)FIELD_GET(ESR_ELx_SYS64_OP2, enc);
	const u8 *table;
	u8 op;

	if (op0 != TLBI_OP0 || op1 != 0 || (crn != TLBI_CRN && crn != TLBI_CRN_NXS))
		return -EINVAL;
	switch (crm) {
	case TLBI_CRM_OS:	out->shr = TLBI_SHR_OS;  table = op2_plain; break;
	case TLBI_CRM_IS:	out->shr = TLBI_SHR_IS;  table = op2_plain; break;
	case TLBI_CRM_NSH:	out->shr = TLBI_SHR_NSH; table = op2_plain; break;
	case TLBI_CRM_RANGE_OS:	out->shr = TLBI_SHR_OS;  table = op2_range; break;
	case TLBI_CRM_RANGE_IS:	out->shr = TLBI_SHR_IS;  table = op2_range; break;
	case TLBI_CRM_RANGE:	out->shr = TLBI_SHR_NSH; table = op2_range; break;
	default:
		return -EINVAL;
	}
	op = table[op2];
	if (op == TLBI_OP2_NONE)
		return -EINVAL;
	out->op = (enum tlbi_op)op;
	out->nxs = crn == TLBI_CRN_NXS;
	if ((out->shr == TLBI_SHR_OS && !f->os) || (tlbi_op_info[op].range && !f->range) ||
	    (out->nxs && !f->xs))
		return -ENOTSUP;
	return 0;
}

void tlbi_encode(const struct tlbi_insn *t, u32 *crn, u32 *crm, u32 *op2)
{
	static const u8 crm_plain[] = { [TLBI_SHR_NSH] = TLBI_CRM_NSH, [TLBI_SHR_IS] = TLBI_CRM_IS,
					[TLBI_SHR_OS] = TLBI_CRM_OS };
	static const u8 crm_range[] = { [TLBI_SHR_NSH] = TLBI_CRM_RANGE, [TLBI_SHR_IS] = TLBI_CRM_RANGE_IS,
					[TLBI_SHR_OS] = TLBI_CRM_RANGE_OS };
	const u8 *table = tlbi_op_info[t->op].range ? op2_range : op2_plain;

	*crn = t->nxs ? TLBI_CRN_NXS : TLBI_CRN;
	*crm = tlbi_op_info[t->op].range ? crm_range[t->shr] : crm_plain[t->shr];
	for (u32 i = 0; i < 8; i++)
		if (table[i] == t->op)
			*op2 = i;
}

/*
 * FEAT_TTL's hint for the by-VA forms. Without FEAT_TTL the field is RES0.
 * TG = 0 means "no information" (the level bits mean nothing then), and a
 * level that cannot hold a leaf for the granule (4K level 0, 16K levels 0
 * and 1, 64K level 0) is reserved: both become 0, "any level", which only
 * ever widens what is invalidated.
 */
static u64 sanitise_ttl(const struct tlbi_features *f, u64 ttl)
{
	u64 tg = FIELD_GET(TLBI_VA_TTL_TG, ttl), level = FIELD_GET(TLBI_VA_TTL_LEVEL, ttl);

	if (!f->ttl || tg == TLBI_TG_NONE)
		return 0;
	if (level == 0 || (tg == TLBI_TG_16K && level == 1))
		return 0;
	return ttl;
}

/* Without 16-bit ASIDs, ASID[15:8] are ignored by the CPU: clear them. */
static u64 asid_mask(const struct tlbi_features *f)
{
	return f->asid16 ? TLBI_VA_ASID : TLBI_VA_ASID8;
}

u64 tlbi_sanitise(const struct tlbi_insn *t, const struct tlbi_features *f, u64 operand,
		  struct tlbi_insn *replay)
{
	const struct tlbi_op_info *info = &tlbi_op_info[t->op];
	u64 asid = info->scope == TLBI_SCOPE_VAA ? 0 : operand & asid_mask(f);

	*replay = *t;
	if (info->scope == TLBI_SCOPE_ALL)
		return 0;	/* VMALLE1 ignores its operand */
	if (info->scope == TLBI_SCOPE_ASID)
		return asid;	/* bits [47:0] are RES0 */
	if (!info->range)
		return asid | FIELD_PREP(TLBI_VA_TTL, sanitise_ttl(f, FIELD_GET(TLBI_VA_TTL, operand))) |
		       (operand & TLBI_VA_VA);
	/*
	 * A range with the reserved TG = 0 names no range: the architecture
	 * requires nothing to be invalidated. Replaying a defined, larger
	 * invalidation (the whole VM regime) instead of an operand whose
	 * effect is left to the implementation keeps the outcome the same on
	 * every CPU.
	 */
	if (FIELD_GET(TLBI_RANGE_TG, operand) == TLBI_TG_NONE) {
		replay->op = TLBI_VMALLE1;
		return 0;
	}
	/* SCALE, NUM, TTL (a level hint of FEAT_TLBIRANGE itself) and BaseADDR are all defined. */
	return asid | (operand & (TLBI_RANGE_TG | TLBI_RANGE_SCALE | TLBI_RANGE_NUM | TLBI_RANGE_TTL |
				  TLBI_RANGE_BADDR));
}
