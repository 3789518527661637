/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance seen from the guest, the same binary in three VMs:
 * tlbi (trap-tlbi = "precise"), tlbi_safe ("safe") and tlbi_untrapped (no
 * trap). Every check must give the same answer in all three.
 *
 * The guest turns its MMU on (RAM identity-mapped, Normal write-back; the
 * device window as Device), then for every EL1 TLBI form (VMALLE1, VAE1,
 * ASIDE1, VAAE1, VALE1, VAALE1, RVAE1, RVAAE1, RVALE1, RVAALE1; each
 * non-shareable, IS and OS; each also nXS) it maps two test pages of a
 * window, reads them (so the TLB holds them), breaks the mapping, issues
 * the form under test, makes a new mapping to other physical pages and
 * reads again: it must see the new pages. A TLBI that did nothing leaves
 * the old translation in the TLB (QEMU keeps it until a TLBI), and the
 * read returns the old page.
 *
 * Pass 0 uses ASID 5 and plain pointers; pass 1 uses 16-bit ASID 0x1234
 * (where the CPU has 16-bit ASIDs), FEAT_TTL level hints (where shown) and
 * reads through pointers with a tag in the top byte (TCR_EL1.TBI0 = 1).
 * The broadcast forms (IS, OS) are also checked across CPUs: vCPU 1 holds
 * the old translation, vCPU 0 changes the mapping and issues the TLBI,
 * vCPU 1 must see the new pages. Forms the guest is not shown must UNDEF,
 * as must reserved encodings in the TLBI space.
 *
 * That moat really trapped them is not the guest's to say: moat logs the
 * VM's counters when it exits and tests/qemu/guest_cases.py checks them.
 */
#include "guest.h"
#include "smp.h"

/* 2 passes x 60 forms, 40 broadcast forms across CPUs, 4 reserved encodings, MMU, vCPU 1. */
#define NR_FORMS	60
GUEST_PLAN(2 * NR_FORMS + 40 + 4 + 2);

#define BIT64(n)	(1ULL << (n))
#define PAGE		0x1000ULL

/* Where things live in the VM's 16 MiB. */
#define TABLES		0x40800000ULL	/* L1, L2 (RAM), L2 (window), L3 (window) */
#define L1		(TABLES + 0 * PAGE)
#define L2_RAM		(TABLES + 1 * PAGE)
#define L2_WIN		(TABLES + 2 * PAGE)
#define L3_WIN		(TABLES + 3 * PAGE)
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

static bool is_range(enum op op) { return op >= RVAE1; }
static bool has_va(enum op op) { return op != VMALLE1 && op != ASIDE1; }
static bool has_asid(enum op op) { return op == VAE1 || op == ASIDE1 || op == VALE1 || op == RVAE1 || op == RVALE1; }

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

static void sys_tlbi(unsigned crn, unsigned crm, unsigned op2, uint64_t arg)
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

static void issue(const struct form *f, uint64_t arg)
{
	sys_tlbi(f->nxs ? 9 : 8, is_range(f->op) ? crm_range[f->shr] : crm_plain[f->shr],
		 op_op2[f->op], arg);
}

static bool advertised(const struct form *f)
{
	return (f->shr != OS || feat.os) && (!is_range(f->op) || feat.range) && (!f->nxs || feat.xs);
}

static void form_name(const struct form *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", op_name[f->op], shr_name[f->shr], f->nxs ? "nxs" : "");
}

/* ---- memory and translation ---- */
static void wr64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static uint64_t rd64(uint64_t a) { return *(volatile uint64_t *)a; }

static uint64_t page_pa(unsigned i) { return DATA + i * PAGE; }	/* 0, 1: A0, A1; 2, 3: B0, B1 */
static uint64_t marker(uint64_t pa) { return pa ^ 0x7e57000000000000ULL; }

static uint64_t ttbr(uint16_t asid) { return L1 | (uint64_t)asid << TTBR_ASID_SHIFT; }

static void set_pte(unsigned slot, uint64_t pa)
{
	wr64(L3_WIN + slot * 8, pa ? pa | D_VALID | D_TABLE | D_ATTR(0) | D_SH_INNER | D_AF | D_NG |
				     D_PXN | D_UXN : 0);
}

static void build_tables(void)
{
	for (uint64_t a = TABLES; a < TABLES + 4 * PAGE; a += 8)
		wr64(a, 0);
	wr64(L1 + 0 * 8, 0 | D_VALID | D_ATTR(1) | D_AF | D_PXN | D_UXN);	/* 0..1G: devices */
	wr64(L1 + 1 * 8, L2_RAM | D_VALID | D_TABLE);
	wr64(L1 + 4 * 8, L2_WIN | D_VALID | D_TABLE);
	for (unsigned i = 0; i < GUEST_RAM_SIZE / 0x200000; i++)
		wr64(L2_RAM + i * 8, (GUEST_RAM_BASE + i * 0x200000ULL) | D_VALID | D_ATTR(0) | D_SH_INNER | D_AF);
	wr64(L2_WIN, L3_WIN | D_VALID | D_TABLE);
}

static void mmu_on(uint64_t tcr, uint64_t ttbr0)
{
	write_sysreg(MAIR_VALUE, mair_el1);
	write_sysreg(tcr, tcr_el1);
	write_sysreg(ttbr0, ttbr0_el1);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
	write_sysreg(read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I, sctlr_el1);
	isb();
}

static void flush_all(void)
{
	__asm__ volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
}

/* ---- vCPU 1: reads the window when asked ---- */
enum { CMD_NONE, CMD_READ, CMD_TTBR };
static volatile struct {
	uint32_t up, seq, ack, cmd;
	uint64_t arg, res[2];
} mbox;

static uint64_t tcr_value;

void secondary_main(uint64_t context_id)
{
	uint32_t seen = 0;

	mmu_on(tcr_value ? tcr_value : TCR_BASE, context_id);
	mbox.up = 1;
	dsb(ish);
	for (;;) {
		dsb(ish);
		if (mbox.seq == seen)
			continue;
		seen = mbox.seq;
		if (mbox.cmd == CMD_READ) {
			mbox.res[0] = rd64(mbox.arg);
			mbox.res[1] = rd64(mbox.arg + PAGE);
		} else if (mbox.cmd == CMD_TTBR) {
			write_sysreg(mbox.arg, ttbr0_el1);
			isb();
		}
		dsb(ish);
		mbox.ack = seen;
		dsb(ish);
	}
}

static bool cpu1_up;

/* Ask vCPU 1 to do @cmd; false if it did not answer within 10 s (it never should take that long). */
static bool cpu1(uint32_t cmd, uint64_t arg)
{
	uint32_t seq = mbox.seq + 1;

	if (!cpu1_up)
		return false;
	mbox.cmd = cmd;
	mbox.arg = arg;
	dsb(ish);
	mbox.seq = seq;
	dsb(ish);
	return wait_eq32(&mbox.ack, seq, 10000 * ticks_per_ms());
}

/* ---- one form ---- */
struct pass {
	uint16_t asid;
	uint64_t tag;		/* top byte of the pointers the reads use */
	unsigned ttl;		/* TTL hint for the by-VA forms (0: none) */
	unsigned range_ttl;	/* level hint of the range forms */
};

static uint64_t operand(const struct form *f, const struct pass *p, uint64_t va)
{
	uint64_t arg = 0;

	if (has_asid(f->op))
		arg |= OP_ASID(p->asid);
	if (is_range(f->op))	/* 2 pages: (NUM + 1) << (5 * SCALE + 1), NUM = SCALE = 0 */
		arg |= OP_RANGE_TG_4K | OP_RANGE_TTL(p->range_ttl) | ((va >> 12) & ((1ULL << 37) - 1));
	else if (has_va(f->op))
		arg |= OP_TTL(p->ttl) | ((va >> 12) & ((1ULL << 44) - 1));
	return arg;
}

/*
 * Map the slot's two pages to A0/A1 and read them on this CPU (and on
 * vCPU 1 with @remote), break, TLBI, map to B0/B1. Returns the values read
 * afterwards (on vCPU 1 with @remote, else here) in got[].
 */
static bool change_mapping(const struct form *f, const struct pass *p, unsigned slot, bool remote,
			   uint64_t got[2])
{
	uint64_t va = WINDOW + slot * 2 * PAGE, ptr = va | p->tag << 56;
	bool ok = true;

	set_pte(slot * 2, page_pa(0));
	set_pte(slot * 2 + 1, page_pa(1));
	flush_all();
	ok &= rd64(ptr) == marker(page_pa(0)) && rd64(ptr + PAGE) == marker(page_pa(1));
	if (remote)
		ok &= cpu1(CMD_READ, ptr) && mbox.res[0] == marker(page_pa(0)) &&
		      mbox.res[1] == marker(page_pa(1));
	set_pte(slot * 2, 0);
	set_pte(slot * 2 + 1, 0);
	dsb(ishst);
	issue(f, operand(f, p, va));
	if (has_va(f->op) && !is_range(f->op))
		issue(f, operand(f, p, va + PAGE));
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
	set_pte(slot * 2, page_pa(2));
	set_pte(slot * 2 + 1, page_pa(3));
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	if (remote) {
		ok &= cpu1(CMD_READ, ptr);
		got[0] = mbox.res[0];
		got[1] = mbox.res[1];
	} else {
		got[0] = rd64(ptr);
		got[1] = rd64(ptr + PAGE);
	}
	return ok;
}

static void test_form(const struct form *f, const struct pass *p, unsigned pass_nr, unsigned slot,
		      bool remote)
{
	char name[24];
	uint64_t got[2] = { 0, 0 };
	bool setup;

	form_name(f, name, sizeof(name));
	if (!advertised(f)) {
		if (remote) {
			check(true, "%s across vCPUs: not advertised, skipped", name);
			return;
		}
		expect_exception();
		issue(f, 0);
		check(exception_taken() && ESR_EC(last_exception()->esr) == ESR_EC_UNKNOWN,
		      "pass %u: %s (not advertised): UNDEF", pass_nr, name);
		return;
	}
	setup = change_mapping(f, p, slot, remote, got);
	if (remote)
		check(setup && got[0] == marker(page_pa(2)) && got[1] == marker(page_pa(3)),
		      "%s across vCPUs: vCPU 1 sees the new mapping (read 0x%llx 0x%llx)", name,
		      (unsigned long long)got[0], (unsigned long long)got[1]);
	else
		check(setup && got[0] == marker(page_pa(2)) && got[1] == marker(page_pa(3)),
		      "pass %u (ASID 0x%x, tag 0x%llx): %s: the new mapping is seen (read 0x%llx 0x%llx)",
		      pass_nr, p->asid, (unsigned long long)p->tag, name, (unsigned long long)got[0],
		      (unsigned long long)got[1]);
}

static void for_each_form(void (*fn)(const struct form *f, unsigned idx, void *ctx), void *ctx)
{
	unsigned idx = 0;

	for (int op = 0; op < NR_OPS; op++)
		for (int shr = NSH; shr <= OS; shr++)
			for (int nxs = 0; nxs < 2; nxs++) {
				struct form f = { (enum op)op, (enum shr)shr, nxs != 0 };

				fn(&f, idx++, ctx);
			}
}

struct run {
	const struct pass *p;
	unsigned nr;
	bool remote;
};

static void run_one(const struct form *f, unsigned idx, void *ctx)
{
	const struct run *r = ctx;

	if (r->remote && f->shr == NSH)
		return;
	test_form(f, r->p, r->nr, idx, r->remote);
}

static void set_asid(uint16_t asid)
{
	write_sysreg(ttbr(asid), ttbr0_el1);
	isb();
	if (cpu1_up)
		cpu1(CMD_TTBR, ttbr(asid));
}

int main(void)
{
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	struct pass passes[2] = {
		{ .asid = 5, .tag = 0 },
		{ .asid = 0x77, .tag = 0x5a },
	};

	feat.os = ISAR0_TLB(read_sysreg(id_aa64isar0_el1)) >= 1;
	feat.range = ISAR0_TLB(read_sysreg(id_aa64isar0_el1)) >= 2;
	feat.xs = ISAR1_XS(read_sysreg(id_aa64isar1_el1)) >= 1;
	feat.ttl = MMFR2_TTL(read_sysreg(s3_0_c0_c7_2)) >= 1;	/* ID_AA64MMFR2_EL1 */
	feat.asid16 = MMFR0_ASID(mmfr0) == 2;
	printf("features: TLBIOS %d, TLBIRANGE %d, XS %d, TTL %d, 16-bit ASID %d\n", feat.os, feat.range,
	       feat.xs, feat.ttl, feat.asid16);
	tcr_value = TCR_BASE;
	if (feat.asid16) {
		tcr_value |= TCR_AS;
		passes[1].asid = 0x1234;
	}
	if (feat.ttl)
		passes[1].ttl = TTL_4K_L3;
	passes[1].range_ttl = 3;

	build_tables();
	mmu_on(tcr_value, ttbr(passes[0].asid));
	for (unsigned i = 0; i < 4; i++)
		wr64(page_pa(i), marker(page_pa(i)));
	check((read_sysreg(sctlr_el1) & SCTLR_M) && rd64(page_pa(3)) == marker(page_pa(3)),
	      "stage-1 MMU on, RAM identity-mapped");

	/*
	 * vCPU 1 starts with the same tables: TTBR0 is its context id, TCR is
	 * read with its MMU still off, so it is cleaned to memory first.
	 */
	__asm__ volatile("dc cvac, %0\n\tdsb ish" :: "r"(&tcr_value) : "memory");
	cpu1_up = smp_start_cpu(1, ttbr(passes[0].asid)) == 0 &&
		  wait_eq32(&mbox.up, 1, 10000 * ticks_per_ms());
	check(cpu1_up, "vCPU 1 is up with its MMU on");

	for (unsigned n = 0; n < 2; n++) {
		struct run r = { &passes[n], n, false };

		set_asid(passes[n].asid);
		for_each_form(run_one, &r);
	}
	{
		struct run r = { &passes[0], 0, true };

		set_asid(passes[0].asid);
		for_each_form(run_one, &r);
	}

	/* Reserved encodings in the TLBI space are UNDEFINED, trapped or not. */
	{
		static const uint8_t reserved[][3] = { { 8, 3, 4 }, { 8, 3, 6 }, { 8, 2, 0 }, { 9, 4, 0 } };

		for (unsigned i = 0; i < 4; i++) {
			expect_exception();
			sys_tlbi(reserved[i][0], reserved[i][1], reserved[i][2], 0);
			check(exception_taken() && ESR_EC(last_exception()->esr) == ESR_EC_UNKNOWN,
			      "sys #0, c%u, c%u, #%u (reserved): UNDEF", reserved[i][0], reserved[i][1],
			      reserved[i][2]);
		}
	}
	return checks_failed() ? 1 : 0;
}
