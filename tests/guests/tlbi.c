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
 * read returns the old page. (A TLBI aimed at the wrong page or range is
 * not reliably seen on QEMU 7.2: with a small TLB it turns a page flush,
 * and always a range flush, into a flush of everything. The host tests
 * tests/unit/test_tlbi.c and test_tlbi_trap.c check the operands.)
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
#include "tlbi_common.h"

/* 2 passes x 60 forms, 40 broadcast forms across CPUs, 4 reserved encodings, MMU, vCPU 1. */
#define NR_FORMS	60
GUEST_PLAN(2 * NR_FORMS + 40 + 4 + 2);

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
	struct pass passes[2] = {
		{ .asid = 5, .tag = 0 },
		{ .asid = 0x77, .tag = 0x5a },
	};

	read_features();
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
