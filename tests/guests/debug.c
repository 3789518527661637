/* SPDX-License-Identifier: MIT */
/*
 * Self-hosted debug (configs/debug.dts, two vCPUs on two CPUs): the
 * guest's own breakpoints, watchpoints, single step, BRK and OS lock work
 * as on bare hardware and are taken at its own EL1 (moat: core/debug.c).
 *
 * - ID_AA64DFR0_EL1 counts: every breakpoint and watchpoint it advertises
 *   holds what is written to it and fires; the next number UNDEFs.
 * - Breakpoints: each one, on a function's first instruction (EC 0x31,
 *   ELR = the function).
 * - Watchpoints: each one, byte (load and store, a neighbour byte in the
 *   same doubleword does not hit) and doubleword (load and store);
 *   EC 0x35, WnR right, FAR in the watched doubleword.
 * - Single step over 10 instructions, one of them trapped and emulated by
 *   moat (an ID register read): one step exception per instruction, each
 *   ELR the next instruction.
 * - BRK: EC 0x3c with its immediate.
 * - The OS lock and the OS double lock stop breakpoints and watchpoints.
 * - Two vCPUs with different breakpoints do not see each other's.
 *
 * - At EL0 (run_el0): an EL0-only breakpoint fires there (EC 0x30) and an
 *   EL1-only one does not, an EL0-only watchpoint fires on an EL0 store
 *   (EC 0x34), and 10 EL0 instructions are stepped one by one (EC 0x32).
 */
#include "guest.h"
#include "smp.h"

GUEST_PLAN(28);

/* 10 EL0 instructions to step, then back to EL1 (lib/el0.S). */
void el0_steps(void);
__asm__(".text\n.balign 4\n.globl el0_steps\nel0_steps:\n"
	"	nop\n	add x2, x2, #1\n	nop\n	add x2, x2, #1\n	nop\n"
	"	nop\n	add x2, x2, #1\n	nop\n	add x2, x2, #1\n	nop\n"
	"	svc #0\n");

#define EC_BKPT_LOW	0x30
#define EC_BKPT_CUR	0x31
#define EC_SSTEP_LOW	0x32
#define EC_SSTEP_CUR	0x33
#define EC_WPT_LOW	0x34
#define EC_WPT_CUR	0x35
#define EC_BRK64	0x3c

#define MDSCR_SS	(1ULL << 0)
#define MDSCR_KDE	(1ULL << 13)
#define MDSCR_MDE	(1ULL << 15)
#define SPSR_SS		(1ULL << 21)

/* DBGBCR: E, PMC = EL1 and EL0, BAS = all four bytes of the instruction. */
#define BCR_ARM		(1ULL | (3ULL << 1) | (0xfULL << 5))
/* DBGWCR: E, PAC = EL1 and EL0, LSC (1 load, 2 store, 3 both), BAS bytes. */
#define WCR(lsc, bas)	(1ULL | (3ULL << 1) | ((uint64_t)(lsc) << 3) | ((uint64_t)(bas) << 5))

#define DBG_CASES(X, r) X(r, 0) X(r, 1) X(r, 2) X(r, 3) X(r, 4) X(r, 5) X(r, 6) X(r, 7) \
	X(r, 8) X(r, 9) X(r, 10) X(r, 11) X(r, 12) X(r, 13) X(r, 14) X(r, 15)
#define RD_CASE(r, n) case n: return read_sysreg(r##n##_el1);
#define WR_CASE(r, n) case n: write_sysreg(v, r##n##_el1); break;
#define DBG_ACC(r)                                                            \
	static uint64_t r##_rd(unsigned n)                                    \
	{                                                                     \
		switch (n) { DBG_CASES(RD_CASE, r) default: return 0; }       \
	}                                                                     \
	static void r##_wr(unsigned n, uint64_t v)                            \
	{                                                                     \
		switch (n) { DBG_CASES(WR_CASE, r) default: break; }          \
		isb();                                                        \
	}
DBG_ACC(dbgbvr)
DBG_ACC(dbgbcr)
DBG_ACC(dbgwvr)
DBG_ACC(dbgwcr)

#define NR_CPUS		2
#define STEPS		10

/* What the debug handler saw, per CPU (CPU 1 never prints). */
struct hits {
	unsigned bkpt, wpt, step, brk, other;
	uint64_t elr, far, esr;
	uint64_t step_elr[16];
	uint64_t elr_a, elr_b;	/* breakpoint hits on func_a / func_b */
};
static volatile struct hits hits[NR_CPUS];
static volatile unsigned cur_bp, cur_wp;	/* which one the handler disarms (CPU 0) */
static volatile unsigned nr_bps, nr_wps;

static volatile uint64_t wbuf[2] __attribute__((aligned(16)));

__attribute__((noinline)) static uint64_t func_a(uint64_t x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

__attribute__((noinline)) static uint64_t func_b(uint64_t x)
{
	__asm__ volatile("" ::: "memory");
	return x * 5 + 2;
}

static bool debug_handler(const struct exc_info *e, uint64_t *elr, uint64_t *spsr)
{
	unsigned cpu = smp_cpu_id() < NR_CPUS ? smp_cpu_id() : 0;
	volatile struct hits *h = &hits[cpu];

	h->elr = e->elr;
	h->far = e->far;
	h->esr = e->esr;
	switch (ESR_EC(e->esr)) {
	case EC_BKPT_LOW:
	case EC_BKPT_CUR:
		h->bkpt++;
		if (e->elr == (uintptr_t)func_a)
			h->elr_a++;
		if (e->elr == (uintptr_t)func_b)
			h->elr_b++;
		/* Disarm and return to the instruction: it runs this time. */
		dbgbcr_wr(cpu ? 0 : cur_bp, 0);
		return true;
	case EC_WPT_LOW:
	case EC_WPT_CUR:
		h->wpt++;
		dbgwcr_wr(cur_wp, 0);
		return true;
	case EC_SSTEP_LOW:
	case EC_SSTEP_CUR:
		if (h->step < 16)
			h->step_elr[h->step] = e->elr;
		if (++h->step < STEPS) {
			*spsr |= SPSR_SS;	/* step the next one too */
		} else {
			write_sysreg(read_sysreg(mdscr_el1) & ~MDSCR_SS, mdscr_el1);
			isb();
		}
		return true;
	case EC_BRK64:
		h->brk++;
		*elr += 4;
		return true;
	default:
		h->other++;
		return false;
	}
}

static void debug_on(void)
{
	write_sysreg(0, oslar_el1);
	write_sysreg(MDSCR_MDE | MDSCR_KDE, mdscr_el1);
	isb();
	__asm__ volatile("msr daifclr, #8\n isb" ::: "memory");
}

static void hits_clear(unsigned cpu)
{
	memset((void *)&hits[cpu], 0, sizeof(hits[cpu]));
}

/* Arm breakpoint @n on func_a and call it: did it fire, once, there? */
static bool bp_fires(unsigned n)
{
	hits_clear(0);
	cur_bp = n;
	dbgbvr_wr(n, (uintptr_t)func_a);
	dbgbcr_wr(n, BCR_ARM);
	uint64_t r = func_a(4);

	dbgbcr_wr(n, 0);
	return r == 13 && hits[0].bkpt == 1 && hits[0].elr_a == 1 && ESR_EC(hits[0].esr) == EC_BKPT_CUR;
}

enum acc { LD8, ST8, LD64, ST64 };

/* Arm watchpoint @n (lsc, bas) on wbuf[0], then one access; returns the hits (0 or 1). */
static unsigned wp_access(unsigned n, unsigned lsc, unsigned bas, enum acc acc, unsigned byte)
{
	volatile uint8_t *b = (volatile uint8_t *)wbuf;

	hits_clear(0);
	cur_wp = n;
	dbgwvr_wr(n, (uintptr_t)wbuf);
	dbgwcr_wr(n, WCR(lsc, bas));
	switch (acc) {
	case LD8: (void)b[byte]; break;
	case ST8: b[byte] = 0x5a; break;
	case LD64: (void)wbuf[0]; break;
	case ST64: wbuf[0] = 0x1122334455667788ULL; break;
	}
	dbgwcr_wr(n, 0);
	return hits[0].wpt;
}

static bool wp_hit_ok(bool write, uint64_t lo, uint64_t hi)
{
	return ESR_EC(hits[0].esr) == EC_WPT_CUR && !!(hits[0].esr & ESR_DABT_WNR) == write &&
	       hits[0].far >= lo && hits[0].far < hi;
}

static void test_counts(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned bad = 0;

	nr_bps = (unsigned)((dfr0 >> 12) & 0xf) + 1;
	nr_wps = (unsigned)((dfr0 >> 20) & 0xf) + 1;
	printf("ID_AA64DFR0_EL1 0x%016lx: %u breakpoints, %u watchpoints, %lu context-aware\n", dfr0,
	       nr_bps, nr_wps, ((dfr0 >> 28) & 0xf) + 1);
	check(nr_bps >= 2 && nr_wps >= 2 && ((dfr0 >> 28) & 0xf) + 1 <= nr_bps,
	      "ID_AA64DFR0_EL1 advertises breakpoints (%u), watchpoints (%u), context-aware ones", nr_bps,
	      nr_wps);
	for (unsigned n = 0; n < nr_bps; n++) {
		uint64_t va = 0x40001000ULL + 4 * n;

		dbgbvr_wr(n, va);
		bad += dbgbvr_rd(n) != va;
		dbgbvr_wr(n, 0);
	}
	for (unsigned n = 0; n < nr_wps; n++) {
		uint64_t va = 0x40002000ULL + 8 * n;

		dbgwvr_wr(n, va);
		bad += dbgwvr_rd(n) != va;
		dbgwvr_wr(n, 0);
	}
	check(bad == 0, "every advertised DBGBVR/DBGWVR holds what is written (%u wrong)", bad);
	if (nr_bps < 16 && nr_wps < 16) {
		tolerate_exceptions(true);
		unsigned before = exceptions_seen();

		(void)dbgbcr_rd(nr_bps);
		bool b = exceptions_seen() == before + 1 && ESR_EC(last_exception()->esr) == ESR_EC_UNKNOWN;

		(void)dbgwcr_rd(nr_wps);
		bool w = exceptions_seen() == before + 2 && ESR_EC(last_exception()->esr) == ESR_EC_UNKNOWN;

		tolerate_exceptions(false);
		check(b && w, "DBGBCR%u/DBGWCR%u beyond the advertised ones UNDEF", nr_bps, nr_wps);
	} else {
		check(true, "all 16 breakpoints and watchpoints exist: nothing beyond to UNDEF");
	}
}

static void test_breakpoints(void)
{
	unsigned ok = 0;

	for (unsigned n = 0; n < nr_bps; n++)
		ok += bp_fires(n);
	check(ok == nr_bps, "each of the %u breakpoints fires at EL1 on the function's first instruction (%u did)",
	      nr_bps, ok);
	check(hits[0].other == 0, "no other exception on the way");
}

static void test_watchpoints(void)
{
	uint64_t lo = (uintptr_t)wbuf, hi = lo + 8;
	unsigned ok;

	check(wp_access(0, 3, 1u << 1, LD8, 1) == 1 && wp_hit_ok(false, lo, hi),
	      "byte watchpoint: a byte load hits (WnR 0, FAR 0x%lx)", hits[0].far);
	check(wp_access(0, 3, 1u << 1, ST8, 1) == 1 && wp_hit_ok(true, lo, hi),
	      "byte watchpoint: a byte store hits (WnR 1)");
	check(wp_access(0, 3, 1u << 1, LD8, 0) == 0 && wp_access(0, 3, 1u << 1, ST8, 2) == 0,
	      "byte watchpoint: the neighbouring bytes do not hit");
	check(wp_access(0, 3, 0xff, LD64, 0) == 1 && wp_hit_ok(false, lo, hi),
	      "doubleword watchpoint: a doubleword load hits");
	check(wp_access(0, 3, 0xff, ST64, 0) == 1 && wp_hit_ok(true, lo, hi),
	      "doubleword watchpoint: a doubleword store hits");
	check(wp_access(0, 1, 0xff, ST64, 0) == 0 && wp_access(0, 2, 0xff, LD64, 0) == 0,
	      "a load-only watchpoint ignores stores, a store-only one ignores loads");
	ok = 0;
	for (unsigned n = 0; n < nr_wps; n++)
		ok += wp_access(n, 3, 0xff, ST64, 0) == 1 && wp_access(n, 3, 1u << 3, LD8, 3) == 1;
	check(ok == nr_wps, "each of the %u watchpoints fires (%u did)", nr_wps, ok);
}

/* Step 10 instructions from 1:, the 5th an ID register read that moat emulates. */
static void test_single_step(void)
{
	uint64_t start;

	hits_clear(0);
	/* D masked while SS is turned on, or the step would start right here. */
	__asm__ volatile("msr daifset, #8\n isb" ::: "memory");
	write_sysreg(read_sysreg(mdscr_el1) | MDSCR_SS, mdscr_el1);
	isb();
	__asm__ volatile(
		"	adr	%0, 1f\n"
		"	msr	elr_el1, %0\n"
		"	mov	x1, #0x1c5\n"		/* EL1h, A I F masked, D clear */
		"	orr	x1, x1, #(1 << 21)\n"	/* SS: step the first one */
		"	msr	spsr_el1, x1\n"
		"	isb\n"
		"	eret\n"
		"1:	nop\n"
		"	add	x2, x2, #1\n"
		"	nop\n"
		"	add	x2, x2, #1\n"
		"	mrs	x3, id_aa64isar0_el1\n"	/* trapped (HCR_EL2.TID3), emulated */
		"	nop\n"
		"	add	x2, x2, #1\n"
		"	nop\n"
		"	add	x2, x2, #1\n"
		"	nop\n"
		"	nop\n"
		"	nop\n"
		: "=&r"(start) : : "x1", "x2", "x3", "memory");
	bool seq = hits[0].step == STEPS;

	for (unsigned i = 0; seq && i < STEPS; i++)
		seq = hits[0].step_elr[i] == start + 4 * (i + 1);
	if (!seq)
		printf("steps %u, from 0x%lx: 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx ...\n", hits[0].step, start,
		       hits[0].step_elr[0], hits[0].step_elr[1], hits[0].step_elr[2], hits[0].step_elr[3],
		       hits[0].step_elr[4], hits[0].step_elr[5]);
	check(seq, "single step: 10 instructions, 10 step exceptions at EL1, each at the next instruction");
	check((read_sysreg(mdscr_el1) & MDSCR_SS) == 0, "MDSCR_EL1.SS is what the guest last wrote (0)");
}

static void test_brk(void)
{
	hits_clear(0);
	__asm__ volatile("brk #0x42" ::: "memory");
	check(hits[0].brk == 1 && (hits[0].esr & 0xffff) == 0x42, "BRK #0x42: EC 0x3c at EL1 with its immediate");
}

static void test_os_lock(void)
{
	write_sysreg(1, oslar_el1);
	isb();
	check(read_sysreg(oslsr_el1) & 2, "OSLAR_EL1 = 1 locks: OSLSR_EL1.OSLK reads 1");
	check(!bp_fires(0) && hits[0].bkpt == 0 && wp_access(0, 3, 0xff, ST64, 0) == 0,
	      "OS lock locked: no breakpoint or watchpoint fires");
	write_sysreg(0, oslar_el1);
	isb();
	check(!(read_sysreg(oslsr_el1) & 2) && bp_fires(0), "OS lock unlocked: the breakpoint fires again");

	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);

	if (((dfr0 >> 36) & 0xf) == 0) {
		write_sysreg(1, osdlr_el1);
		isb();
		bool locked = (read_sysreg(osdlr_el1) & 1) && !bp_fires(0) && hits[0].bkpt == 0;

		write_sysreg(0, osdlr_el1);
		isb();
		check(locked && bp_fires(0), "OS double lock stops the breakpoint; unlocked, it fires");
	} else {
		check(true, "no FEAT_DoubleLock advertised: OS double lock not tested");
	}
}

static uint64_t el0_store(uint64_t v)
{
	wbuf[0] = v;
	return 1;
}

static void test_el0(void)
{
	/* DBGBCR.PMC (bits 2:1): 0b10 EL0 only, 0b01 EL1 only. DBGWCR.PAC likewise. */
	const uint64_t bcr_el0 = 1 | (2ULL << 1) | (0xfULL << 5), bcr_el1 = 1 | (1ULL << 1) | (0xfULL << 5);
	uint64_t ra, rb;

	hits_clear(0);
	cur_bp = 0;
	dbgbvr_wr(0, (uintptr_t)func_a);
	dbgbcr_wr(0, bcr_el0);
	dbgbvr_wr(1, (uintptr_t)func_b);
	dbgbcr_wr(1, bcr_el1);
	ra = run_el0((uintptr_t)el0_call, 4, (uintptr_t)func_a, SPSR_EL0T_MASKED);
	rb = run_el0((uintptr_t)el0_call, 4, (uintptr_t)func_b, SPSR_EL0T_MASKED);
	dbgbcr_wr(0, 0);
	dbgbcr_wr(1, 0);
	check(ra == 13 && rb == 22 && hits[0].bkpt == 1 && hits[0].elr_a == 1 && hits[0].elr_b == 0 &&
	      ESR_EC(hits[0].esr) == EC_BKPT_LOW,
	      "EL0: an EL0-only breakpoint fires there (EC 0x30), an EL1-only one does not (%u hits)",
	      hits[0].bkpt);

	hits_clear(0);
	cur_wp = 0;
	dbgwvr_wr(0, (uintptr_t)wbuf);
	dbgwcr_wr(0, 1 | (2ULL << 1) | (2ULL << 3) | (0xffULL << 5));	/* EL0 only, store, 8 bytes */
	(void)run_el0((uintptr_t)el0_call, 0x77, (uintptr_t)el0_store, SPSR_EL0T_MASKED);
	wbuf[0] = 0x78;		/* at EL1: not watched */
	dbgwcr_wr(0, 0);
	check(hits[0].wpt == 1 && ESR_EC(hits[0].esr) == EC_WPT_LOW && (hits[0].esr & ESR_DABT_WNR) &&
	      wbuf[0] == 0x78,
	      "EL0: an EL0-only watchpoint fires on an EL0 store (EC 0x34), not on EL1's (%u hits)",
	      hits[0].wpt);

	hits_clear(0);
	write_sysreg(read_sysreg(mdscr_el1) | MDSCR_SS, mdscr_el1);
	isb();
	(void)run_el0((uintptr_t)el0_steps, 0, 0, SPSR_EL0T_MASKED | SPSR_SS);
	bool seq = hits[0].step == STEPS;

	for (unsigned i = 0; seq && i < STEPS; i++)
		seq = hits[0].step_elr[i] == (uintptr_t)el0_steps + 4 * (i + 1) &&
		      ESR_EC(hits[0].esr) == EC_SSTEP_LOW;
	check(seq, "EL0: single step over 10 instructions, 10 step exceptions (EC 0x32) in order");
	/* run_el0 comes back with D masked. */
	__asm__ volatile("msr daifclr, #8\n isb" ::: "memory");
}

/* Two vCPUs, breakpoint 0 on func_a (vCPU 0) and on func_b (vCPU 1). */
#define ROUNDS		50
static volatile uint32_t sec_armed, sec_done;

void secondary_main(uint64_t context_id)
{
	debug_on();
	dbgbvr_wr(0, (uintptr_t)func_b);
	sec_armed = 1;
	dsb(sy);
	for (unsigned i = 0; i < ROUNDS; i++) {
		dbgbcr_wr(0, BCR_ARM);
		(void)func_a(i);
		(void)func_b(i);
		dbgbcr_wr(0, 0);
	}
	sec_done = 1;
	dsb(sy);
}

static void test_two_vcpus(void)
{
	uint64_t ms = ticks_per_ms();

	hits_clear(0);
	hits_clear(1);
	cur_bp = 0;
	dbgbvr_wr(0, (uintptr_t)func_a);
	check(smp_start_cpu(1, 0) == PSCI_RET_SUCCESS && wait_eq32(&sec_armed, 1, 10000 * ms),
	      "vCPU 1 started and armed its breakpoint");
	for (unsigned i = 0; i < ROUNDS; i++) {
		dbgbcr_wr(0, BCR_ARM);
		(void)func_a(i);
		(void)func_b(i);
		dbgbcr_wr(0, 0);
	}
	bool done = wait_eq32(&sec_done, 1, 10000 * ms);

	printf("vCPU 0: func_a %u func_b %u; vCPU 1: func_a %u func_b %u\n", (unsigned)hits[0].elr_a,
	       (unsigned)hits[0].elr_b, (unsigned)hits[1].elr_a, (unsigned)hits[1].elr_b);
	check(done && hits[0].elr_a == ROUNDS && hits[0].elr_b == 0,
	      "vCPU 0 hits only its own breakpoint (func_a)");
	check(done && hits[1].elr_b == ROUNDS && hits[1].elr_a == 0,
	      "vCPU 1 hits only its own breakpoint (func_b)");
	check(hits[0].other == 0 && hits[1].other == 0, "no stray exception on either vCPU");
}

int main(void)
{
	set_sync_handler(debug_handler);
	debug_on();
	check((read_sysreg(mdscr_el1) & (MDSCR_MDE | MDSCR_KDE)) == (MDSCR_MDE | MDSCR_KDE),
	      "MDSCR_EL1 holds MDE and KDE");
	test_counts();
	test_breakpoints();
	test_watchpoints();
	test_single_step();
	test_brk();
	test_os_lock();
	test_el0();
	test_two_vcpus();
	__asm__ volatile("msr daifset, #8\n isb" ::: "memory");
	set_sync_handler(NULL);
	check(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0 || !moat_present(), "moat still answers");
	return 0;
}
