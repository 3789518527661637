/* SPDX-License-Identifier: MIT */
/*
 * What the TLBI test guests (tlbi.c, tlbi_oracle.c) share: their stage-1
 * tables (RAM identity-mapped, a window of 4K pages to remap), turning the
 * MMU on, and issuing any EL1 TLBI form by its encoding.
 */
#ifndef TLBI_COMMON_H
#define TLBI_COMMON_H
#include "guest.h"

#define BIT64(n)	(1ULL << (n))
#define PAGE		0x1000ULL

/* Where things live in the VM's 16 MiB. */
#define TABLES		0x40800000ULL	/* L1, L2 (RAM), L2 (window), L3 (window), L3 (RAM) x 8 */
#define L1		(TABLES + 0 * PAGE)
#define L2_RAM		(TABLES + 1 * PAGE)
#define L2_WIN		(TABLES + 2 * PAGE)
#define L3_WIN		(TABLES + 3 * PAGE)
#define L3_RAM(i)	(TABLES + (4 + (i)) * PAGE)	/* one per 2 MiB of RAM */
#define NR_TABLES	(4 + GUEST_RAM_SIZE / 0x200000)
#define DATA		0x40900000ULL	/* old pages A0, A1, new pages B0, B1 */
#define WINDOW		0x100000000ULL	/* VA of the test window: L1 index 4 */

/* Stage-1 descriptors and registers (4K granule, 39-bit VA: levels 1..3). */
#define D_VALID		BIT64(0)
#define D_TABLE		BIT64(1)	/* table (levels 1, 2) / page (level 3) */
#define D_ATTR(i)	((uint64_t)(i) << 2)
#define D_SH_INNER	(3ULL << 8)
#define D_AF		BIT64(10)
#define D_NG		BIT64(11)
#define D_PXN		BIT64(53)
#define D_UXN		BIT64(54)
#define MAIR_VALUE	0x00ffULL	/* attr 0: Normal WB, attr 1: Device-nGnRnE */
#define TCR_T0SZ	25ULL
#define TCR_IRGN0_WB	(1ULL << 8)
#define TCR_ORGN0_WB	(1ULL << 10)
#define TCR_SH0_INNER	(3ULL << 12)
#define TCR_T1SZ	(25ULL << 16)
#define TCR_EPD1	BIT64(23)
#define TCR_AS		BIT64(36)
#define TCR_TBI0	BIT64(37)
#define TCR_BASE	(TCR_T0SZ | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_T1SZ | TCR_EPD1 | TCR_TBI0)
#define SCTLR_M		BIT64(0)
#define SCTLR_C		BIT64(2)
#define SCTLR_I		BIT64(12)
#define TTBR_ASID_SHIFT	48

/* TLBI operand fields (Arm ARM, TLBI VAE1 / RVAE1). */
#define OP_ASID(a)	((uint64_t)(a) << 48)
#define OP_TTL(t)	((uint64_t)(t) << 44)
#define OP_RANGE_TG_4K	(1ULL << 46)
#define OP_RANGE_TTL(l)	((uint64_t)(l) << 37)
#define TTL_4K_L3	0x7

/* ID register fields the guest reads (moat shows them through its sanitised view). */
#define ISAR0_TLB(v)	(((v) >> 56) & 0xf)
#define ISAR1_XS(v)	(((v) >> 56) & 0xf)
#define MMFR0_ASID(v)	(((v) >> 4) & 0xf)
#define MMFR2_TTL(v)	(((v) >> 48) & 0xf)

static struct {
	bool os, range, xs, ttl, asid16;
} feat;

enum op { VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1, RVAE1, RVAAE1, RVALE1, RVAALE1, NR_OPS };
static const char *const op_name[NR_OPS] = {
	"vmalle1", "vae1", "aside1", "vaae1", "vale1", "vaale1", "rvae1", "rvaae1", "rvale1", "rvaale1",
};
/* op2 of each operation, and whether it is a range form. */
static const uint8_t op_op2[NR_OPS] = { 0, 1, 2, 3, 5, 7, 1, 3, 5, 7 };
enum shr { NSH, IS, OS };
static const char *const shr_name[] = { "", "is", "os" };
/* CRm by shareability: plain forms, range forms. */
static const uint8_t crm_plain[] = { 7, 3, 1 };
static const uint8_t crm_range[] = { 6, 2, 5 };

static inline bool is_range(enum op op) { return op >= RVAE1; }
static inline bool has_va(enum op op) { return op != VMALLE1 && op != ASIDE1; }
static inline bool has_asid(enum op op) { return op == VAE1 || op == ASIDE1 || op == VALE1 || op == RVAE1 || op == RVALE1; }

/* ---- issuing "sys #0, cCRn, cCRm, #op2, Xt" for every TLBI encoding ---- */
#define KEY(crn, crm, op2)	((crn) << 8 | (crm) << 4 | (op2))
#define ONE(crn, crm, op2)								\
	case KEY(crn, crm, op2):							\
		__asm__ volatile("sys #0, c" #crn ", c" #crm ", #" #op2 ", %0" :: "r"(arg) : "memory"); \
		return;
#define PLAIN(crn, crm)	ONE(crn, crm, 0) ONE(crn, crm, 1) ONE(crn, crm, 2) ONE(crn, crm, 3) \
			ONE(crn, crm, 5) ONE(crn, crm, 7)
#define RANGE(crn, crm)	ONE(crn, crm, 1) ONE(crn, crm, 3) ONE(crn, crm, 5) ONE(crn, crm, 7)
#define ALL(crn)	PLAIN(crn, 1) PLAIN(crn, 3) PLAIN(crn, 7) RANGE(crn, 2) RANGE(crn, 5) \
			RANGE(crn, 6)

static inline void sys_tlbi(unsigned crn, unsigned crm, unsigned op2, uint64_t arg)
{
	switch (KEY(crn, crm, op2)) {
	ALL(8)
	ALL(9)
	/* Reserved encodings in the TLBI space, for the UNDEF checks. */
	ONE(8, 3, 4)
	ONE(8, 3, 6)
	ONE(8, 2, 0)
	ONE(9, 4, 0)
	}
}

struct form {
	enum op op;
	enum shr shr;
	bool nxs;
};

static inline void issue(const struct form *f, uint64_t arg)
{
	sys_tlbi(f->nxs ? 9 : 8, is_range(f->op) ? crm_range[f->shr] : crm_plain[f->shr],
		 op_op2[f->op], arg);
}

static inline bool advertised(const struct form *f)
{
	return (f->shr != OS || feat.os) && (!is_range(f->op) || feat.range) && (!f->nxs || feat.xs);
}

static inline void form_name(const struct form *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", op_name[f->op], shr_name[f->shr], f->nxs ? "nxs" : "");
}

/* ---- memory and translation ---- */
static inline void wr64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t rd64(uint64_t a) { return *(volatile uint64_t *)a; }

static inline uint64_t page_pa(unsigned i) { return DATA + i * PAGE; }	/* 0, 1: A0, A1; 2, 3: B0, B1 */
static inline uint64_t marker(uint64_t pa) { return pa ^ 0x7e57000000000000ULL; }

static inline uint64_t ttbr(uint16_t asid) { return L1 | (uint64_t)asid << TTBR_ASID_SHIFT; }

static inline void set_pte(unsigned slot, uint64_t pa)
{
	wr64(L3_WIN + slot * 8, pa ? pa | D_VALID | D_TABLE | D_ATTR(0) | D_SH_INNER | D_AF | D_NG |
				     D_PXN | D_UXN : 0);
}

static inline void build_tables(void)
{
	for (uint64_t a = TABLES; a < TABLES + NR_TABLES * PAGE; a += 8)
		wr64(a, 0);
	wr64(L1 + 0 * 8, 0 | D_VALID | D_ATTR(1) | D_AF | D_PXN | D_UXN);	/* 0..1G: devices */
	wr64(L1 + 1 * 8, L2_RAM | D_VALID | D_TABLE);
	wr64(L1 + 4 * 8, L2_WIN | D_VALID | D_TABLE);
	/*
	 * RAM in 4K pages, not 2 MiB blocks: QEMU turns a TLBI by VA that
	 * falls near any block it has cached into a flush of everything,
	 * which would hide a TLBI aimed at the wrong page.
	 */
	for (unsigned i = 0; i < GUEST_RAM_SIZE / 0x200000; i++) {
		wr64(L2_RAM + i * 8, L3_RAM(i) | D_VALID | D_TABLE);
		for (unsigned j = 0; j < 512; j++)
			wr64(L3_RAM(i) + j * 8, (GUEST_RAM_BASE + i * 0x200000ULL + j * PAGE) | D_VALID |
						D_TABLE | D_ATTR(0) | D_SH_INNER | D_AF);
	}
	wr64(L2_WIN, L3_WIN | D_VALID | D_TABLE);
}

static inline void mmu_on(uint64_t tcr, uint64_t ttbr0)
{
	write_sysreg(MAIR_VALUE, mair_el1);
	write_sysreg(tcr, tcr_el1);
	write_sysreg(ttbr0, ttbr0_el1);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
	write_sysreg(read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I, sctlr_el1);
	isb();
}

static inline void flush_all(void)
{
	__asm__ volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
}

/* The guest's view of the TLBI features (moat shows its sanitised ID registers). */
static inline void read_features(void)
{
	feat.os = ISAR0_TLB(read_sysreg(id_aa64isar0_el1)) >= 1;
	feat.range = ISAR0_TLB(read_sysreg(id_aa64isar0_el1)) >= 2;
	feat.xs = ISAR1_XS(read_sysreg(id_aa64isar1_el1)) >= 1;
	feat.ttl = MMFR2_TTL(read_sysreg(s3_0_c0_c7_2)) >= 1;	/* ID_AA64MMFR2_EL1 */
	feat.asid16 = MMFR0_ASID(read_sysreg(id_aa64mmfr0_el1)) == 2;
	printf("features: TLBIOS %d, TLBIRANGE %d, XS %d, TTL %d, 16-bit ASID %d\n", feat.os, feat.range,
	       feat.xs, feat.ttl, feat.asid16);
}
#endif
