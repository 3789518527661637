/* SPDX-License-Identifier: MIT */
/*
 * AT oracle: the CPU's own AT instructions against moat's software
 * stage-1 walker (MOAT_HC_AT_TRANSLATE). The guest builds randomised
 * stage-1 tables in its RAM (granules, VA sizes, TBI, EPD1, HPD,
 * permissions, AF, APTable/XNTable, invalid and reserved descriptors,
 * output addresses beyond IPS, table pointers outside its RAM so the walk
 * faults in stage 2), then for each (VA, op) runs the real AT and asks
 * moat for the same translation, and compares PAR_EL1 bit for bit outside
 * the bits docs/at.md lists as IMPLEMENTATION DEFINED/UNKNOWN.
 *
 * AT uses the live SCTLR_EL1, so the comparison runs with the stage-1 MMU
 * on: a small stub page (vectors + probe, registers only, no memory
 * accesses) is identity-mapped, executable and read-only in every table
 * set; the stub turns SCTLR_EL1.M on, runs AT, makes the hypercall (moat
 * reads the same live registers), and turns M off again. A stage-2 fault
 * on the walk of an AT from EL1 is taken to EL2 (it is not written to
 * PAR), moat injects an external abort, and the stub's own vectors record
 * it: that case agrees when moat's PAR says PTW=1, S=1.
 *
 * Seed: random from the counter, printed; build with
 * -DAT_ORACLE_SEED=0x... to replay, -DAT_ORACLE_CASES=N for a long run.
 */
#include "guest.h"

GUEST_PLAN(1);

#ifndef AT_ORACLE_CASES
#define AT_ORACLE_CASES		10000u
#endif
/*
 * Blocks at levels the granule does not allow (4K level 0, 16K level 1,
 * 64K level 1 without 52-bit PA): a Translation fault in the architecture
 * and in moat, but QEMU 7.2 maps them as blocks. Off by default (see
 * docs/at.md); the unit tests cover them. Build with 1 on silicon.
 */
#ifndef AT_ORACLE_BAD_BLOCKS
#define AT_ORACLE_BAD_BLOCKS	0
#endif

#define POOL_BASE	0x40800000ULL
#define POOL_END	0x40f00000ULL
#define OUTSIDE_RAM	0x41000000ULL	/* up to 0x80000000: nothing mapped in stage 2 */
#define VAS_PER_CFG	48
#define MAX_REPORT	16

/* PAR / TCR / descriptor fields (the guest's own copies; see src/emul/at_regs.h). */
#define BIT64(n)	(1ULL << (n))
#define PAR_F		BIT64(0)
#define PAR_PTW		BIT64(8)
#define PAR_S		BIT64(9)
#define SCTLR_M		BIT64(0)
#define SCTLR_RES1	(BIT64(29) | BIT64(28) | BIT64(23) | BIT64(22) | BIT64(20) | BIT64(11))
#define PSTATE_PAN	BIT64(22)

/* ---- the probe stub: one page, identity mapped in every table set ----- */
struct probe_out {
	uint64_t hw_par, moat_par, trapped;
};
void at_probe(uint64_t va, uint64_t op, uint64_t sctlr, uint64_t pan, struct probe_out *out);
extern char at_stub_page[];

__asm__(
	".pushsection .text.at_stub, \"ax\"\n"
	".balign 4096\n"
	".global at_stub_page\n"
	"at_stub_page:\n"
	/* 16 vectors: any exception while the MMU is on marks x9 and skips the AT. */
	".rept 16\n"
	"	mov	x9, #1\n"
	"	mrs	x10, elr_el1\n"
	"	add	x10, x10, #4\n"
	"	msr	elr_el1, x10\n"
	"	eret\n"
	"	.balign 128\n"
	".endr\n"
	".global at_probe\n"
	"at_probe:\n"
	"	mrs	x5, sctlr_el1\n"
	"	mrs	x6, vbar_el1\n"
	"	adr	x7, at_stub_page\n"
	"	msr	vbar_el1, x7\n"
	"	mov	x9, #0\n"
	"	mov	x15, x0\n"
	"	mov	x12, x1\n"
	"	msr	s3_0_c4_c2_3, x3\n"	/* PSTATE.PAN */
	"	isb\n"
	"	msr	sctlr_el1, x2\n"
	"	isb\n"
	"	adr	x10, 1f\n"
	"	add	x10, x10, x12, lsl #3\n"
	"	br	x10\n"
	"1:	at	s1e1r, x15\n"
	"	b	2f\n"
	"	at	s1e1w, x15\n"
	"	b	2f\n"
	"	at	s1e0r, x15\n"
	"	b	2f\n"
	"	at	s1e0w, x15\n"
	"	b	2f\n"
	"	sys	#0, c7, c9, #0, x15\n"	/* AT S1E1RP */
	"	b	2f\n"
	"	sys	#0, c7, c9, #1, x15\n"	/* AT S1E1WP */
	"	b	2f\n"
	"2:	isb\n"
	"	mrs	x11, par_el1\n"
	"	mov	x13, x9\n"
	"	movz	w0, #0x0005\n"
	"	movk	w0, #0xc600, lsl #16\n"
	"	mov	x1, x15\n"
	"	mov	x2, x12\n"
	"	hvc	#0\n"
	"	msr	sctlr_el1, x5\n"
	"	isb\n"
	"	msr	s3_0_c4_c2_3, xzr\n"
	"	msr	vbar_el1, x6\n"
	"	isb\n"
	"	stp	x11, x0, [x4]\n"
	"	str	x13, [x4, #16]\n"
	"	ret\n"
	".popsection\n");

/* ---- random numbers --------------------------------------------------- */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }
static bool chance(unsigned percent) { return rnd_below(100) < percent; }

/* ---- one configuration ---------------------------------------------- */
struct half {
	unsigned gbits;		/* 12, 14, 16 */
	unsigned tsz;
	bool valid;		/* TxSZ in range: tables are built */
	uint64_t root;
	unsigned start;
};

static struct {
	struct half h[2];
	uint64_t tcr, mair, sctlr, pan;
	unsigned oabits;
	uint64_t pool;
} cfg;

static unsigned parange_bits;
static uint64_t mmfr2;

static const unsigned pa_bits_tab[] = { 32, 36, 40, 42, 44, 48, 52 };
/* Architecturally meaningful MAIR attributes (no UNPREDICTABLE encodings). */
static const uint8_t mair_pool[] = { 0x00, 0x04, 0x08, 0x0c, 0x44, 0xff, 0xbb, 0xaa, 0xee,
				     0x4f, 0xf4, 0x77, 0x33, 0x99, 0xcc, 0x48 };

static void wr64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static uint64_t rd64(uint64_t a) { return *(volatile uint64_t *)a; }

static uint64_t new_table(unsigned gbits)
{
	uint64_t size = 1ULL << gbits;
	uint64_t a = (cfg.pool + size - 1) & ~(size - 1);

	if (a + size > POOL_END)
		return 0;
	cfg.pool = a + size;
	for (uint64_t p = a; p < a + size; p += 8)
		wr64(p, 0);
	return a;
}

static unsigned level_lsb(const struct half *h, unsigned level)
{
	return h->gbits + (h->gbits - 3) * (3 - level);
}

static uint64_t index_of(const struct half *h, uint64_t va, unsigned level)
{
	unsigned inputsize = 64 - h->tsz;
	unsigned lsb = level_lsb(h, level);
	unsigned nbits = level == h->start ? inputsize - lsb : h->gbits - 3;

	return (va >> lsb) & ((1ULL << nbits) - 1);
}

static bool block_ok(const struct half *h, unsigned level)
{
	if (h->gbits == 12)
		return level == 1 || level == 2;
	if (h->gbits == 14)
		return level == 2;
	return level == 2 || (level == 1 && cfg.oabits == 52);
}

/* Random leaf attributes, output address aligned to the mapping size. */
static uint64_t random_leaf(const struct half *h, unsigned level, uint64_t type)
{
	unsigned lsb = level_lsb(h, level);
	unsigned top = cfg.oabits < 48 ? cfg.oabits : 48;
	uint64_t oa = rnd() & (((1ULL << top) - 1) & ~((1ULL << lsb) - 1));
	static const uint64_t sh[] = { 0, 2, 3 };
	uint64_t d = type | oa | (rnd_below(8) << 2) | (rnd_below(4) << 6) | (sh[rnd_below(3)] << 8);

	if (!chance(15))
		d |= BIT64(10);			/* AF */
	if (chance(30))
		d |= BIT64(11);			/* nG */
	if (chance(30))
		d |= BIT64(53);			/* PXN */
	if (chance(30))
		d |= BIT64(54);			/* UXN */
	if (chance(20))
		d |= BIT64(51);			/* DBM: ignored with HD = 0 */
	if (chance(20))
		d |= rnd_below(16) << 55;	/* software bits */
	if (cfg.oabits < 48 && chance(6))
		d |= BIT64(cfg.oabits + rnd_below(48 - cfg.oabits));	/* address size fault */
	return d;
}

/* Fill the walk for @va, choosing randomly wherever a slot is still empty. */
static void build_path(struct half *h, uint64_t va)
{
	uint64_t table = h->root;

	for (unsigned level = h->start; level <= 3; level++) {
		uint64_t slot = table + 8 * index_of(h, va, level);
		uint64_t d = rd64(slot);

		if (d == 0) {
			unsigned r = (unsigned)rnd_below(100);
			if (r < 8) {
				d = (rnd() & ~1ULL) | BIT64(10);	/* invalid, junk */
				if (!d)
					d = 2;
			} else if (r < 12) {
				/* reserved: a block at level 3, or where the granule allows none */
				if (level == 3 || (AT_ORACLE_BAD_BLOCKS && !block_ok(h, level)))
					d = random_leaf(h, level, 1);
				else
					d = 0x10;	/* invalid */
			} else if (level < 3 && r < 17) {
				/* a table outside RAM: stage-2 fault on the walk */
				d = 3 | ((OUTSIDE_RAM + (rnd() & 0x3effffffULL)) & ~((1ULL << h->gbits) - 1));
			} else if (level == 3) {
				d = random_leaf(h, level, 3);
			} else if (block_ok(h, level) && r < 35) {
				d = random_leaf(h, level, 1);
			} else {
				uint64_t t = new_table(h->gbits);
				if (!t) {
					d = 0x8;	/* pool exhausted: invalid */
				} else {
					d = t | 3;
					if (chance(12))
						d |= BIT64(61);	/* APTable[0] */
					if (chance(12))
						d |= BIT64(62);	/* APTable[1] */
					if (chance(12))
						d |= BIT64(60);	/* UXNTable */
					if (chance(12))
						d |= BIT64(59);	/* PXNTable */
					if (cfg.oabits < 48 && chance(3))
						d |= BIT64(cfg.oabits + rnd_below(48 - cfg.oabits));
				}
			}
			wr64(slot, d);
		}
		if (level == 3 || (d & 3) != 3)
			return;
		uint64_t next = d & 0x0000fffffffff000ULL & ~((1ULL << h->gbits) - 1);
		if (next < POOL_BASE || next >= POOL_END)
			return;
		table = next;
	}
}

/* The stub page: identity, EL1 read-only, executable, Normal memory (MAIR index 7). */
static bool map_stub(struct half *h)
{
	uint64_t va = (uint64_t)at_stub_page & ~((1ULL << h->gbits) - 1);
	uint64_t table = h->root;

	for (unsigned level = h->start; level < 3; level++) {
		uint64_t slot = table + 8 * index_of(h, va, level);
		uint64_t t = new_table(h->gbits);
		if (!t)
			return false;
		wr64(slot, t | 3);
		table = t;
	}
	wr64(table + 8 * index_of(h, va, 3), va | 3 | (7 << 2) | (2ULL << 6) | (3 << 8) | BIT64(10) |
						   BIT64(54));
	return true;
}

static unsigned gran_bits_rand(void)
{
	static const unsigned g[] = { 12, 14, 16 };
	return g[rnd_below(3)];
}

static unsigned start_level(unsigned gbits, unsigned tsz)
{
	unsigned inputsize = 64 - tsz, stride = gbits - 3;
	return 3 - (inputsize - gbits - 1) / stride;
}

static bool new_config(void)
{
	static const unsigned tg0[] = { [12] = 0, [14] = 2, [16] = 1 };
	static const unsigned tg1[] = { [12] = 2, [14] = 1, [16] = 3 };
	unsigned ips = (unsigned)rnd_below(7);
	unsigned maxtsz = (mmfr2 >> 28) & 0xf ? 48 : 39;

	cfg.pool = POOL_BASE;
	cfg.oabits = pa_bits_tab[ips];
	if (cfg.oabits > parange_bits)
		cfg.oabits = parange_bits;
	for (int i = 0; i < 2; i++) {
		struct half *h = &cfg.h[i];
		h->gbits = gran_bits_rand();
		if (i == 0)	/* the stub at 0x40xxxxxx must be reachable: inputsize >= 31 */
			h->tsz = 16 + (unsigned)rnd_below(18);
		else if (chance(10))
			h->tsz = 12 + (unsigned)rnd_below(40);	/* some out of range */
		else
			h->tsz = 16 + (unsigned)rnd_below(24);
		h->valid = h->tsz >= 16 && h->tsz <= (h->gbits == 16 && maxtsz == 48 ? 47 : maxtsz);
		if (!h->valid)
			continue;
		h->start = start_level(h->gbits, h->tsz);
		h->root = new_table(h->gbits);
	}
	if (cfg.oabits == 52 && cfg.h[0].gbits != 16)
		cfg.oabits = 48;	/* the walker sees 48 with 4K/16K; leaves stay below */
	if (cfg.oabits == 52 && cfg.h[1].gbits != 16)
		cfg.oabits = 48;
	if (!map_stub(&cfg.h[0]))
		return false;

	cfg.tcr = (uint64_t)cfg.h[0].tsz | ((uint64_t)tg0[cfg.h[0].gbits] << 14) |
		  ((uint64_t)cfg.h[1].tsz << 16) | ((uint64_t)tg1[cfg.h[1].gbits] << 30) |
		  ((uint64_t)ips << 32);
	if (chance(40))
		cfg.tcr |= BIT64(37);	/* TBI0 */
	if (chance(40))
		cfg.tcr |= BIT64(38);	/* TBI1 */
	if (chance(10))
		cfg.tcr |= BIT64(23);	/* EPD1 */
	if (chance(30))
		cfg.tcr |= BIT64(41);	/* HPD0 */
	if (chance(30))
		cfg.tcr |= BIT64(42);	/* HPD1 */
	if (chance(20))
		cfg.tcr |= BIT64(51) | BIT64(52);	/* TBID: instruction fetches only */
	if (chance(20))
		cfg.tcr |= BIT64(36);	/* AS */
	cfg.mair = 0;
	for (int i = 0; i < 7; i++)
		cfg.mair |= (uint64_t)mair_pool[rnd_below(sizeof(mair_pool))] << (8 * i);
	cfg.mair |= 0xffULL << 56;	/* index 7: the stub's Normal memory */
	cfg.sctlr = SCTLR_RES1 | SCTLR_M;
	if (chance(30))
		cfg.sctlr |= BIT64(19);	/* WXN: the stub page is read-only, so still executable */
	if (chance(5))
		cfg.sctlr &= ~SCTLR_M;	/* AT with the MMU off: the flat result */
	cfg.pan = chance(50) ? PSTATE_PAN : 0;

	write_sysreg(cfg.tcr, tcr_el1);
	write_sysreg(cfg.mair, mair_el1);
	write_sysreg(cfg.h[0].root | (rnd() & 0xffff000000000001ULL), ttbr0_el1);
	write_sysreg((cfg.h[1].valid ? cfg.h[1].root : 0) | (rnd() & 0xffff000000000001ULL), ttbr1_el1);
	isb();
	return true;
}

static uint64_t random_va(uint64_t *prev, unsigned nprev)
{
	int half = chance(65) ? 0 : 1;
	struct half *h = &cfg.h[half];
	unsigned inputsize = 64 - h->tsz;
	uint64_t va;

	if (inputsize > 56)
		inputsize = 56;
	if (nprev && chance(50)) {
		/* near an earlier VA: shared upper levels, different lower ones */
		va = prev[rnd_below(nprev)] ^ (rnd() & ((1ULL << (12 + rnd_below(20))) - 1));
	} else {
		va = rnd() & ((1ULL << inputsize) - 1);
		if (half)
			va |= ~((1ULL << inputsize) - 1);
		if (chance(4))
			va ^= BIT64(inputsize + rnd_below(56 - inputsize));	/* outside both ranges */
	}
	if (chance(20))
		va = (va & 0x00ffffffffffffffULL) | (rnd() << 56);	/* a tag */
	return va;
}

static unsigned agree, mismatch, trapped_cases;

static void compare(uint64_t va, unsigned op, const struct probe_out *o)
{
	static const char *const names[] = { "S1E1R", "S1E1W", "S1E0R", "S1E0W", "S1E1RP", "S1E1WP" };
	bool ok;
	uint64_t mask = 0;

	if (o->trapped) {
		/* The CPU took the stage-2 fault on the walk to EL2: moat must report PTW=1, S=1. */
		trapped_cases++;
		ok = (o->moat_par & (PAR_F | PAR_PTW | PAR_S)) == (PAR_F | PAR_PTW | PAR_S);
	} else {
		uint64_t p = o->hw_par;
		if (p & PAR_F) {
			mask = 0xffff000000000000ULL;
		} else {
			uint8_t attr = (uint8_t)(p >> 56);
			mask = 0x00f0000000000600ULL;	/* IMPDEF [55:52], [10]; NS [9] UNKNOWN */
			if ((attr & 0xf0) == 0 || attr == 0x44)
				mask |= 3ULL << 7;	/* SH for Device / Normal NC */
		}
		ok = (p & ~mask) == (o->moat_par & ~mask);
	}
	if (ok) {
		agree++;
		return;
	}
	if (++mismatch <= MAX_REPORT)
		printf("mismatch: AT %s VA 0x%016lx: CPU PAR 0x%016lx%s, moat 0x%016lx (TCR 0x%lx SCTLR 0x%lx "
		       "TTBR0 0x%lx TTBR1 0x%lx MAIR 0x%lx PAN %d)\n",
		       names[op], va, o->hw_par, o->trapped ? " (stage-2 abort taken)" : "", o->moat_par,
		       cfg.tcr, cfg.sctlr, read_sysreg(ttbr0_el1), read_sysreg(ttbr1_el1), cfg.mair,
		       cfg.pan != 0);
}

int main(void)
{
	uint64_t seed;
	unsigned cases = 0;

#if defined(AT_ORACLE_SEED)
	seed = AT_ORACLE_SEED;
#else
	seed = counter() * 0x9e3779b97f4a7c15ULL ^ 0x6d6f6174;
#endif
	if (!seed)
		seed = 1;
	rng_state = seed;
	parange_bits = pa_bits_tab[(read_sysreg(id_aa64mmfr0_el1) & 0xf) < 7 ? (read_sysreg(id_aa64mmfr0_el1) & 0xf) : 5];
	mmfr2 = read_sysreg(id_aa64mmfr2_el1);
	printf("AT oracle: seed 0x%016lx (rebuild with -DAT_ORACLE_SEED=0x%lx to replay), %u cases, PA %u bits\n",
	       seed, seed, AT_ORACLE_CASES, parange_bits);

	if (!moat_present()) {
		printf("AT oracle: moat not present, nothing to compare\n");
		check(false, "AT oracle: moat answers MOAT_HC_AT_TRANSLATE");
		return 1;
	}

	while (cases < AT_ORACLE_CASES) {
		uint64_t vas[VAS_PER_CFG];
		unsigned n = 0;

		if (!new_config())
			continue;
		vas[n++] = (uint64_t)at_probe;	/* the stub itself: always mapped */
		while (n < VAS_PER_CFG) {
			uint64_t va = random_va(vas, n);
			struct half *h = &cfg.h[(va >> 55) & 1];
			if (h->valid)
				build_path(h, va);
			vas[n++] = va;
		}
		__asm__ volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory");
		for (unsigned i = 0; i < n; i++) {
			for (unsigned op = 0; op < 6; op++) {
				struct probe_out o = { 0, 0, 0 };
				at_probe(vas[i], op, cfg.sctlr, cfg.pan, &o);
				compare(vas[i], op, &o);
				cases++;
			}
		}
	}
	printf("AT oracle: %u of the cases took a stage-2 abort on the walk\n", trapped_cases);
	printf("AT oracle: %u cases agree, %u mismatches\n", agree, mismatch);
	check(mismatch == 0 && agree >= AT_ORACLE_CASES, "AT oracle: %u cases agree, %u mismatches", agree,
	      mismatch);
	return mismatch ? 1 : 0;
}
