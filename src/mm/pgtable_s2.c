// SPDX-License-Identifier: MIT
/*
 * Setting tables up: stage-2 geometry (IPA size, start level, concatenated
 * start tables) and VTCR_EL2; stage-1 EL2 geometry and TCR_EL2.
 */
#include "mm/pgtable.h"
#include "lib/err.h"

int pgt_parange_to_bits(u32 parange)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	if (parange >= ARRAY_SIZE(bits))
		return -EINVAL;
	return bits[parange];
}

/* PS/IPS encoding of the output size actually used (at most 48 bits). */
static u64 ps_field(u64 mmfr0)
{
	return MIN(FIELD_GET(ID_AA64MMFR0_EL1_PARANGE, mmfr0), 5ULL);
}

int pgt_s2_geometry(u64 mmfr0, u64 max_ipa, u32 *ia_bits, u32 *start_level, u32 *nr_concat)
{
	int pa_bits = pgt_parange_to_bits((u32)FIELD_GET(ID_AA64MMFR0_EL1_PARANGE, mmfr0));
	u32 need, ia, levels, start;
	u64 entries;

	if (pa_bits < 0)
		return pa_bits;
	pa_bits = MIN(pa_bits, PGT_MAX_OA_BITS);
	need = max_ipa ? 64 - (u32)__builtin_clzll(max_ipa) : 1;
	ia = MAX(need, 32U);
	if (ia > (u32)pa_bits)
		return -ERANGE;
	/*
	 * Up to 16 = 2^4 start-level tables may be concatenated, which saves a
	 * level whenever the top level would resolve no more than 4 bits:
	 * translate ia - 4 bits with full tables, the rest by concatenation.
	 */
	levels = pgt_levels_for_bits(ia - 4);
	start = PGT_MAX_LEVEL + 1 - levels;
	entries = 1ULL << (ia - pgt_level_shift(start));
	*ia_bits = ia;
	*start_level = start;
	*nr_concat = (u32)MAX(1ULL, entries / PGT_PTRS_PER_TABLE);
	return 0;
}

static int alloc_pgd(struct pgtable *pgt)
{
	const struct pgt_mm_ops *mm = pgt->mm;

	if (pgt->nr_concat > 1)
		pgt->pgd = mm->zalloc_contig ? mm->zalloc_contig(pgt->nr_concat * PAGE_SIZE, mm->arg) : NULL;
	else
		pgt->pgd = mm->zalloc_page(mm->arg);
	if (!pgt->pgd)
		return -ENOMEM;
	pgt->pgd_pa = mm->virt_to_phys(pgt->pgd, mm->arg);
	return 0;
}

int pgt_s1_init(struct pgtable *pgt, u32 va_bits, const struct pgt_mm_ops *mm, u32 flags)
{
	if (va_bits < 25 || va_bits > 48)
		return -EINVAL;
	*pgt = (struct pgtable){
		.stage = PGT_STAGE1_EL2, .ia_bits = va_bits, .nr_concat = 1,
		.start_level = PGT_MAX_LEVEL + 1 - pgt_levels_for_bits(va_bits),
		.flags = flags & PGT_F_NONCOHERENT, .mm = mm,
	};
	return alloc_pgd(pgt);
}

int pgt_s2_init(struct pgtable *pgt, u64 mmfr0, u64 max_ipa,
		const struct pgt_mm_ops *mm, u32 flags, pgt_force_pte_fn force_pte)
{
	u32 ia, start, concat;
	int ret = pgt_s2_geometry(mmfr0, max_ipa, &ia, &start, &concat);

	if (ret)
		return ret;
	*pgt = (struct pgtable){
		.stage = PGT_STAGE2, .ia_bits = ia, .start_level = start, .nr_concat = concat,
		.flags = flags, .mm = mm, .force_pte = force_pte,
	};
	ret = alloc_pgd(pgt);
	if (!ret)
		pgt->vttbr = pgt->pgd_pa;
	return ret;
}

u64 pgt_s2_vtcr(const struct pgtable *pgt, u64 mmfr0)
{
	/* 4 KiB granule: SL0 0, 1, 2 start at level 2, 1, 0. */
	return FIELD_PREP(VTCR_EL2_T0SZ, 64 - pgt->ia_bits) |
	       FIELD_PREP(VTCR_EL2_SL0, 2 - pgt->start_level) |
	       FIELD_PREP(VTCR_EL2_IRGN0, TCR_RGN_WBWA) |
	       FIELD_PREP(VTCR_EL2_ORGN0, TCR_RGN_WBWA) |
	       FIELD_PREP(VTCR_EL2_SH0, TCR_SH_INNER) |
	       FIELD_PREP(VTCR_EL2_TG0, TCR_TG0_4K) |
	       FIELD_PREP(VTCR_EL2_PS, ps_field(mmfr0)) |
	       VTCR_EL2_RES1;
}

u64 pgt_s2_set_vmid(struct pgtable *pgt, u16 vmid)
{
	pgt->vttbr = FIELD_PREP(VTTBR_EL2_VMID, vmid) | (pgt->pgd_pa & VTTBR_EL2_BADDR);
	return pgt->vttbr;
}

u64 pgt_s1_tcr(const struct pgtable *pgt, u64 mmfr0)
{
	return FIELD_PREP(TCR_EL2_T0SZ, 64 - pgt->ia_bits) |
	       FIELD_PREP(TCR_EL2_IRGN0, TCR_RGN_WBWA) |
	       FIELD_PREP(TCR_EL2_ORGN0, TCR_RGN_WBWA) |
	       FIELD_PREP(TCR_EL2_SH0, TCR_SH_INNER) |
	       FIELD_PREP(TCR_EL2_TG0, TCR_TG0_4K) |
	       FIELD_PREP(TCR_EL2_PS, ps_field(mmfr0)) |
	       TCR_EL2_RES1;
}
