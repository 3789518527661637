/* SPDX-License-Identifier: MIT */
/*
 * TLBI oracle: random sequences of page-table changes, TLBIs and reads,
 * checked against a model of what the architecture requires, in three VMs
 * at once (tests/guests/configs/tlbi_oracle.dts): not trapped,
 * trap-tlbi = "precise" and "safe", all with the same seed. The runner
 * compares their results (tests/qemu/guest_cases.py).
 *
 * The model: a page of the window that was unmapped may still be in the
 * TLB, for each ASID, until a TLBI that covers it (VMALLE1 all; ASIDE1
 * its ASID; VAE1/VALE1 one page of one ASID; VAAE1/VAALE1 one page of
 * every ASID; the range forms their pages). A read of a mapped page that
 * nothing stale can shadow must return the page it is mapped to; any other
 * read may return the old page or the new one and is only counted. (The
 * test pages are non-global and at level 3, so the ASID and last-level
 * forms apply to them.)
 *
 * On QEMU 7.2 this catches a TLBI that is lost, not one aimed at the wrong
 * page (see tlbi.c). The seed is "tlbi_seed=0x..." in bootargs (the same for the three VMs),
 * else from the counter; -DTLBI_ORACLE_SEQS=N for a longer run.
 */
#include "guest.h"
#include "tlbi_common.h"

GUEST_PLAN(1);

#ifndef TLBI_ORACLE_SEQS
#define TLBI_ORACLE_SEQS	300u
#endif
#define SEQ_LEN		48
/*
 * Few pages, so that a page is often read, unmapped, invalidated (or not)
 * and mapped again to another page within one sequence: the case a TLBI
 * that did nothing gets wrong.
 */
#define SLOTS		8	/* window pages */
#define NR_PAGES	4	/* physical pages they map to */
#define NR_ASIDS	2
#define MAX_REPORT	8

static const uint16_t asids[NR_ASIDS] = { 3, 9 };

/* ---- random numbers (splitmix64) ---- */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* ---- the model ---- */
static struct {
	uint8_t pte[SLOTS];		/* 0: unmapped, else page + 1 */
	uint8_t last[SLOTS];		/* the page it was mapped to last (+ 1) */
	bool stale[NR_ASIDS][SLOTS];	/* the TLB may hold an old translation */
	unsigned cur;			/* index of the current ASID */
} m;

static uint64_t slot_va(unsigned s) { return WINDOW + s * PAGE; }
static uint64_t data_pa(unsigned p) { return DATA + p * PAGE; }

static unsigned seq_mismatches, reads_required, reads_free, reads_old;
static uint64_t digest = 0xcbf29ce484222325ULL;

static void hash(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		digest ^= (v >> (8 * i)) & 0xff;
		digest *= 0x100000001b3ULL;
	}
}

static void clear_stale(int asid, unsigned from, unsigned n)
{
	for (unsigned a = 0; a < NR_ASIDS; a++)
		for (unsigned s = from; s < from + n && s < SLOTS; s++)
			if (asid < 0 || (unsigned)asid == a)
				m.stale[a][s] = false;
}

static void do_tlbi(void)
{
	struct form f;
	unsigned t = rnd_below(SLOTS), other = rnd_below(2), num = rnd_below(4);
	unsigned a = other ? 1 - m.cur : m.cur;
	uint64_t arg = 0;

	do {
		f.op = (enum op)rnd_below(NR_OPS);
		f.shr = (enum shr)rnd_below(3);
		f.nxs = rnd_below(2);
	} while (!advertised(&f));
	if (has_asid(f.op))
		arg |= OP_ASID(asids[a]);
	if (is_range(f.op))	/* 2 (NUM + 1) pages from t, SCALE 0 */
		arg |= OP_RANGE_TG_4K | OP_RANGE_TTL(rnd_below(2) ? 3 : 0) | ((uint64_t)num << 39) |
		       (slot_va(t) >> 12);
	else if (has_va(f.op))
		arg |= OP_TTL(feat.ttl && rnd_below(2) ? TTL_4K_L3 : 0) | (slot_va(t) >> 12);
	__asm__ volatile("dsb ishst" ::: "memory");
	issue(&f, arg);
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");

	switch (f.op) {
	case VMALLE1: clear_stale(-1, 0, SLOTS); break;
	case ASIDE1: clear_stale((int)a, 0, SLOTS); break;
	case VAE1: case VALE1: clear_stale((int)a, t, 1); break;
	case VAAE1: case VAALE1: clear_stale(-1, t, 1); break;
	case RVAE1: case RVALE1: clear_stale((int)a, t, 2 * (num + 1)); break;
	case RVAAE1: case RVAALE1: clear_stale(-1, t, 2 * (num + 1)); break;
	default: break;
	}
}

static bool do_read(unsigned step)
{
	unsigned s = rnd_below(SLOTS);
	uint64_t tag = rnd_below(2) ? (uint64_t)rnd_below(256) << 56 : 0, want, got;

	if (!m.pte[s])
		return true;	/* an unmapped page may fault or hit a stale entry: not read */
	want = marker(data_pa(m.pte[s] - 1u));
	got = rd64(slot_va(s) | tag);
	if (m.stale[m.cur][s]) {
		reads_free++;
		reads_old += got != want;
		return true;
	}
	reads_required++;
	hash(step);
	hash(got);
	if (got == want)
		return true;
	if (seq_mismatches < MAX_REPORT)
		printf("mismatch: step %u, ASID %u, slot %u: read 0x%llx, the model wants 0x%llx\n", step,
		       asids[m.cur], s, (unsigned long long)got, (unsigned long long)want);
	return false;
}

static bool one_sequence(void)
{
	bool ok = true;

	for (unsigned s = 0; s < SLOTS; s++)
		set_pte(s, 0);
	m.cur = 0;
	write_sysreg(ttbr(asids[0]), ttbr0_el1);
	isb();
	flush_all();
	for (unsigned s = 0; s < SLOTS; s++) {
		m.pte[s] = m.last[s] = 0;
		m.stale[0][s] = m.stale[1][s] = false;
	}
	for (unsigned step = 0; step < SEQ_LEN; step++) {
		unsigned what = rnd_below(100), s = rnd_below(SLOTS);

		if (what < 25) {		/* map an unmapped page */
			if (!m.pte[s]) {
				/* Another page than last time: a stale entry would show. */
				m.pte[s] = (uint8_t)((m.last[s] + rnd_below(NR_PAGES - 1)) % NR_PAGES + 1);
				m.last[s] = m.pte[s];
				set_pte(s, data_pa(m.pte[s] - 1u));
				__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
			}
		} else if (what < 40) {		/* unmap (the break of break-before-make) */
			if (m.pte[s]) {
				m.pte[s] = 0;
				set_pte(s, 0);
				__asm__ volatile("dsb ishst" ::: "memory");
				for (unsigned a = 0; a < NR_ASIDS; a++)
					m.stale[a][s] = true;
			}
		} else if (what < 60) {
			do_tlbi();
		} else if (what < 62) {		/* the other ASID (rare: QEMU flushes its TLB on it) */
			m.cur = 1 - m.cur;
			write_sysreg(ttbr(asids[m.cur]), ttbr0_el1);
			isb();
		} else {
			ok &= do_read(step);
		}
	}
	return ok;
}

static uint64_t seed_from_bootargs(void)
{
	const char *p = guest_bootargs(), *key = "tlbi_seed=0x";
	uint64_t v = 0;

	for (; *p; p++) {
		size_t i = 0;

		while (key[i] && p[i] == key[i])
			i++;
		if (key[i])
			continue;
		for (p += i; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
			v = v << 4 | (uint64_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
		return v;
	}
	return 0;
}

int main(void)
{
	uint64_t seed = seed_from_bootargs();
	unsigned agree = 0;

	if (!seed)
		seed = counter() | 1;
	rng_state = seed;
	read_features();
	build_tables();
	mmu_on(TCR_BASE, ttbr(asids[0]));
	for (unsigned p = 0; p < NR_PAGES; p++)
		wr64(data_pa(p), marker(data_pa(p)));
	for (unsigned n = 0; n < TLBI_ORACLE_SEQS; n++) {
		if (one_sequence())
			agree++;
		else
			seq_mismatches++;
	}
	printf("reads: %u the model decides, %u it leaves open (%u of them saw the old page)\n",
	       reads_required, reads_free, reads_old);
	check(seq_mismatches == 0 && reads_required > 0,
	      "tlbi oracle: %u sequences agree, %u mismatches (seed 0x%llx, digest 0x%llx)", agree,
	      seq_mismatches, (unsigned long long)seed, (unsigned long long)digest);
	return seq_mismatches ? 1 : 0;
}
