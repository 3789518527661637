/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.1 for guests, with three vCPUs (configs/psci.dts): VERSION,
 * FEATURES, MIGRATE_INFO_TYPE, the CPU_ON error codes (unknown MPIDR, bad
 * entry point, already on), CPU_ON of vCPU 1 entering at the entry point
 * with x0 = context id (64-bit, and truncated for the SMC32 form),
 * AFFINITY_INFO for on/off vCPUs and bad levels, CPU_OFF and a fresh
 * re-CPU_ON, and vCPUs 0 and 1 racing CPU_ON at vCPU 2 (exactly one
 * SUCCESS, the other ALREADY_ON), several rounds.
 *
 * Secondaries never print: they record what they saw in rec[] and CPU 0
 * checks it.
 *
 * No check depends on host speed: a wait gives up (and fails) only after
 * WAIT_MS, and "a refused CPU_ON did not (re)start the vCPU" is checked
 * when moat's own state says so (AFFINITY_INFO) or after the running vCPU
 * answered a ping with a hypercall of its own (a restart the refused call
 * had queued would have happened by that exit: starts would have moved).
 */
#include "guest.h"
#include "smp.h"

GUEST_PLAN(65);

#define NR_CPUS		3
#define WAIT_MS		10000	/* a wait that fails the check; the runner allows 60 s in all */
#define RACE_ROUNDS	4

enum { CMD_NONE, CMD_OFF, CMD_RACE, CMD_PING };

struct cpu_rec {
	uint64_t starts;	/* times secondary_main was entered */
	uint64_t ctx;		/* x0 at the last entry */
	uint64_t mpidr;		/* MPIDR_EL1 at the last entry */
	uint64_t el;		/* CurrentEL at the last entry */
	uint64_t sctlr;		/* SCTLR_EL1 at the last entry */
	uint64_t off_returned;	/* CPU_OFF returned (it must not) */
	uint32_t cmd;		/* written by CPU 0, cleared by the CPU */
	uint32_t race_ready;	/* CMD_RACE: waiting for race_go */
	int64_t race_ret;	/* CMD_RACE: what its CPU_ON of vCPU 2 returned */
	uint64_t race_done;
	uint32_t pongs;		/* CMD_PING answered (after an exit to moat) */
};

static volatile struct cpu_rec rec[NR_CPUS];
static volatile uint32_t race_go;
static uint64_t ms;

static uint64_t race_ctx(unsigned round, unsigned cpu)
{
	return 0x7ace000000000000ULL | ((uint64_t)round << 8) | cpu;
}

void secondary_main(uint64_t context_id)
{
	unsigned cpu = smp_cpu_id();
	volatile struct cpu_rec *r = &rec[cpu < NR_CPUS ? cpu : 0];

	if (cpu >= NR_CPUS)
		return;
	r->ctx = context_id;
	r->mpidr = read_sysreg(mpidr_el1);
	r->el = read_sysreg(CurrentEL);
	r->sctlr = read_sysreg(sctlr_el1);
	dsb(sy);
	r->starts = r->starts + 1;
	dsb(sy);
	for (;;) {
		uint32_t cmd;

		dsb(sy);
		cmd = r->cmd;
		if (cmd == CMD_OFF) {
			r->cmd = CMD_NONE;
			dsb(sy);
			psci_cpu_off();
			r->off_returned = 1;
			dsb(sy);
			for (;;)
				__asm__ volatile("wfi");
		}
		if (cmd == CMD_PING) {
			r->cmd = CMD_NONE;
			hvc_call(MOAT_HC_NOP, 0, 0, 0);
			r->pongs = r->pongs + 1;
			dsb(sy);
		}
		if (cmd == CMD_RACE) {
			unsigned round;

			r->cmd = CMD_NONE;
			r->race_ready = 1;
			dsb(sy);
			while (!race_go)
				dsb(sy);
			round = race_go;
			r->race_ret = psci_cpu_on(2, (uintptr_t)smp_entry, race_ctx(round, cpu));
			dsb(sy);
			r->race_done = round;
			dsb(sy);
		}
	}
}

/* Poll AFFINITY_INFO until it says @want (bounded). */
static int64_t affinity_wait(unsigned cpu, int64_t want)
{
	uint64_t end = counter() + WAIT_MS * ms;
	int64_t r;

	do {
		r = psci_affinity_info(cpu, 0);
		if (r == want)
			break;
	} while (counter() < end);
	return r;
}

static bool started(unsigned cpu, uint64_t n)
{
	return wait_eq64(&rec[cpu].starts, n, WAIT_MS * ms);
}

/* Have running vCPU @cpu make an exit to moat and say so; true when it did. */
static bool ping(unsigned cpu)
{
	uint32_t p = rec[cpu].pongs;

	rec[cpu].cmd = CMD_PING;
	dsb(sy);
	return wait_eq32(&rec[cpu].pongs, p + 1, WAIT_MS * ms);
}

static bool cpu_off_and_wait(unsigned cpu)
{
	rec[cpu].cmd = CMD_OFF;
	dsb(sy);
	return affinity_wait(cpu, PSCI_AFFINITY_OFF) == PSCI_AFFINITY_OFF;
}

static void features(void)
{
	static const struct {
		uint32_t fid;
		const char *name;
	} impl[] = {
		{ PSCI_VERSION, "VERSION" },
		{ PSCI_CPU_OFF, "CPU_OFF" },
		{ PSCI_CPU_ON_64, "CPU_ON_64" },
		{ PSCI_CPU_ON_32, "CPU_ON_32" },
		{ PSCI_AFFINITY_INFO_64, "AFFINITY_INFO_64" },
		{ PSCI_MIGRATE_INFO_TYPE, "MIGRATE_INFO_TYPE" },
		{ PSCI_SYSTEM_OFF, "SYSTEM_OFF" },
		{ PSCI_SYSTEM_RESET, "SYSTEM_RESET" },
		{ PSCI_FEATURES, "PSCI_FEATURES" },
		/* PSCI 1.0+: how an OS finds out SMCCC_VERSION is there (Linux does). */
		{ SMCCC_VERSION, "SMCCC_VERSION" },
	}, unimpl[] = {
		{ PSCI_MIGRATE, "MIGRATE" },
		{ PSCI_CPU_FREEZE, "CPU_FREEZE" },
		{ PSCI_SYSTEM_SUSPEND_64, "SYSTEM_SUSPEND_64" },
		{ PSCI_STAT_COUNT_64, "PSCI_STAT_COUNT_64" },
		{ 0x8400001fu, "0x8400001f (unallocated)" },
		{ 0xc6000001u, "0xc6000001 (not a PSCI id)" },
	};
	int64_t r;

	for (unsigned i = 0; i < sizeof(impl) / sizeof(impl[0]); i++) {
		r = hvc_call(PSCI_FEATURES, impl[i].fid, 0, 0);
		check(r == PSCI_RET_SUCCESS, "FEATURES(%s) returns SUCCESS (got %ld)", impl[i].name,
		      (long)r);
	}
	r = hvc_call(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0);
	check(r >= 0 && !(r & ~3LL), "FEATURES(CPU_SUSPEND_64) returns feature flags >= 0 (got %ld)",
	      (long)r);
	for (unsigned i = 0; i < sizeof(unimpl) / sizeof(unimpl[0]); i++) {
		r = hvc_call(PSCI_FEATURES, unimpl[i].fid, 0, 0);
		check(r == PSCI_RET_NOT_SUPPORTED, "FEATURES(%s) returns NOT_SUPPORTED (got %ld)",
		      unimpl[i].name, (long)r);
	}
}

static void cpu_on_errors(void)
{
	uint64_t entry = (uintptr_t)smp_entry;
	int64_t r;

	r = psci_cpu_on(7, entry, 0);
	check(r == PSCI_RET_INVALID_PARAMS, "CPU_ON MPIDR Aff0=7 (no such vCPU) returns INVALID_PARAMETERS (got %ld)",
	      (long)r);
	r = psci_cpu_on(0x101, entry, 0);
	check(r == PSCI_RET_INVALID_PARAMS, "CPU_ON MPIDR Aff1=1 Aff0=1 returns INVALID_PARAMETERS (got %ld)",
	      (long)r);
	r = psci_cpu_on(1ULL << 40, entry, 0);
	check(r == PSCI_RET_INVALID_PARAMS, "CPU_ON MPIDR with non-affinity bits returns INVALID_PARAMETERS (got %ld)",
	      (long)r);
	r = psci_cpu_on(1, 0x1000, 0);
	check(r == PSCI_RET_INVALID_ADDRESS, "CPU_ON entry 0x1000 (below RAM) returns INVALID_ADDRESS (got %ld)",
	      (long)r);
	r = psci_cpu_on(1, GUEST_RAM_END, 0);
	check(r == PSCI_RET_INVALID_ADDRESS, "CPU_ON entry at the end of RAM returns INVALID_ADDRESS (got %ld)",
	      (long)r);
	r = psci_cpu_on(1, 0xfffffffffffffffcULL, 0);
	check(r == PSCI_RET_INVALID_ADDRESS, "CPU_ON entry 2^64-4 returns INVALID_ADDRESS (got %ld)",
	      (long)r);
	r = psci_cpu_on(1, entry + 2, 0);
	check(r == PSCI_RET_INVALID_ADDRESS, "CPU_ON unaligned entry returns INVALID_ADDRESS (got %ld)",
	      (long)r);
	r = psci_cpu_on(0, entry, 0);
	check(r == PSCI_RET_ALREADY_ON, "CPU_ON of the calling vCPU 0 returns ALREADY_ON (got %ld)",
	      (long)r);
	/* moat's own record, at once: nothing was turned on. */
	int64_t a1 = psci_affinity_info(1, 0), a2 = psci_affinity_info(2, 0);

	dsb(sy);
	check(a1 == PSCI_AFFINITY_OFF && a2 == PSCI_AFFINITY_OFF && rec[1].starts == 0 &&
	      rec[2].starts == 0,
	      "no vCPU started by the failed CPU_ON calls (AFFINITY_INFO %ld, %ld; starts %lu, %lu)",
	      (long)a1, (long)a2, rec[1].starts, rec[2].starts);
}

static void affinity_errors(void)
{
	int64_t r;

	for (uint64_t level = 1; level <= 3; level++) {
		r = psci_affinity_info(0, level);
		check(r == PSCI_RET_INVALID_PARAMS,
		      "AFFINITY_INFO lowest level %lu returns INVALID_PARAMETERS (got %ld)", level,
		      (long)r);
	}
	r = psci_affinity_info(5, 0);
	check(r == PSCI_RET_INVALID_PARAMS,
	      "AFFINITY_INFO of MPIDR Aff0=5 (no such vCPU) returns INVALID_PARAMETERS (got %ld)",
	      (long)r);
}

static void race(unsigned round)
{
	volatile struct cpu_rec *r1 = &rec[1];
	uint64_t starts2 = rec[2].starts;
	int64_t r0;
	bool ready;

	r1->race_ready = 0;
	r1->race_done = 0;
	r1->cmd = CMD_RACE;
	dsb(sy);
	ready = wait_eq32(&r1->race_ready, 1, WAIT_MS * ms);
	race_go = round;
	dsb(sy);
	r0 = psci_cpu_on(2, (uintptr_t)smp_entry, race_ctx(round, 0));
	bool done = wait_eq64(&r1->race_done, round, WAIT_MS * ms);
	int64_t r1ret = r1->race_ret;
	bool one_win = (r0 == PSCI_RET_SUCCESS && r1ret == PSCI_RET_ALREADY_ON) ||
		       (r1ret == PSCI_RET_SUCCESS && r0 == PSCI_RET_ALREADY_ON);

	check(ready && done && one_win,
	      "race %u: vCPUs 0 and 1 CPU_ON vCPU 2 at once: one SUCCESS, one ALREADY_ON (got %ld, %ld)",
	      round, (long)r0, (long)r1ret);
	unsigned winner = r0 == PSCI_RET_SUCCESS ? 0 : 1;
	bool st = started(2, starts2 + 1);

	/* Both calls have returned; vCPU 2 exits once more, still in its first run. */
	st = ping(2) && st;
	dsb(sy);
	check(st && rec[2].starts == starts2 + 1 && rec[2].ctx == race_ctx(round, winner),
	      "race %u: vCPU 2 started once, with the winner's (vCPU %u) context id (starts +%lu, x0 0x%lx)",
	      round, winner, rec[2].starts - starts2, rec[2].ctx);
	race_go = 0;
	dsb(sy);
	check(cpu_off_and_wait(2), "race %u: vCPU 2 CPU_OFF, AFFINITY_INFO says OFF", round);
}

int main(void)
{
	const uint64_t ctx1 = 0x1234567890abcdefULL, ctx2 = 0xfedcba0987654321ULL;
	int64_t r;

	ms = ticks_per_ms();

	r = hvc_call(PSCI_VERSION, 0, 0, 0);
	check(r == 0x10001, "PSCI_VERSION returns 1.1 (got 0x%lx)", (uint64_t)r);
	r = hvc_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
	check(r == 2, "MIGRATE_INFO_TYPE returns 2 (no Trusted OS to migrate; got %ld)", (long)r);
	features();

	check(psci_affinity_info(0, 0) == PSCI_AFFINITY_ON, "AFFINITY_INFO(vCPU 0, the caller) is ON");
	check(psci_affinity_info(1, 0) == PSCI_AFFINITY_OFF, "AFFINITY_INFO(vCPU 1) is OFF before CPU_ON");
	cpu_on_errors();

	/* vCPU 1 on. */
	r = smp_start_cpu(1, ctx1);
	check(r == PSCI_RET_SUCCESS, "CPU_ON vCPU 1 returns SUCCESS (got %ld)", (long)r);
	bool st = started(1, 1);

	check(st, "vCPU 1 runs at the entry point");
	check(rec[1].ctx == ctx1, "vCPU 1 entered with x0 = context id 0x%lx (got 0x%lx)", ctx1,
	      rec[1].ctx);
	check((rec[1].mpidr & MPIDR_AFF_MASK) == 1, "vCPU 1 reads MPIDR_EL1 Aff0 = 1 (0x%lx)",
	      rec[1].mpidr);
	check(rec[1].el == (1 << 2) && !(rec[1].sctlr & 1),
	      "vCPU 1 entered at EL1 with the MMU off (CurrentEL 0x%lx, SCTLR_EL1 0x%lx)", rec[1].el,
	      rec[1].sctlr);
	check(psci_affinity_info(1, 0) == PSCI_AFFINITY_ON, "AFFINITY_INFO(vCPU 1) is ON after CPU_ON");
	check(psci_affinity_info(2, 0) == PSCI_AFFINITY_OFF, "AFFINITY_INFO(vCPU 2, never started) is OFF");
	r = hvc_call(PSCI_AFFINITY_INFO_32, 1, 0, 0);
	check(r == PSCI_AFFINITY_ON, "AFFINITY_INFO_32(vCPU 1) is ON (got %ld)", (long)r);
	r = smp_start_cpu(1, 0x5555);
	check(r == PSCI_RET_ALREADY_ON, "CPU_ON vCPU 1 again returns ALREADY_ON (got %ld)", (long)r);
	st = ping(1);
	dsb(sy);
	check(st && rec[1].starts == 1 && rec[1].ctx == ctx1,
	      "the refused CPU_ON did not restart vCPU 1");

	/* CPU_OFF, then a fresh start. */
	check(cpu_off_and_wait(1), "vCPU 1 calls CPU_OFF: AFFINITY_INFO(vCPU 1) becomes OFF");
	r = smp_start_cpu(1, ctx2);
	check(r == PSCI_RET_SUCCESS, "CPU_ON vCPU 1 after CPU_OFF returns SUCCESS (got %ld)", (long)r);
	st = started(1, 2);
	check(st && rec[1].ctx == ctx2,
	      "vCPU 1 starts afresh at the entry point with x0 = the new context id (starts %lu, x0 0x%lx)",
	      rec[1].starts, rec[1].ctx);
	check(!rec[1].off_returned, "CPU_OFF did not return to vCPU 1");
	check(psci_affinity_info(1, 0) == PSCI_AFFINITY_ON, "AFFINITY_INFO(vCPU 1) is ON again");

	/* CPU_ON from a secondary at a third vCPU, racing vCPU 0. */
	for (unsigned round = 1; round <= RACE_ROUNDS; round++)
		race(round);

	/* The SMC32 form: arguments are 32 bits wide. */
	check(cpu_off_and_wait(1), "vCPU 1 off again");
	r = hvc_call(PSCI_CPU_ON_32, 0xffffffff00000001ULL, (uintptr_t)smp_entry,
		     0xdead000000000042ULL);
	check(r == PSCI_RET_SUCCESS, "CPU_ON_32 vCPU 1 (upper halves of x1-x3 junk) returns SUCCESS (got %ld)",
	      (long)r);
	st = started(1, 3);
	check(st && rec[1].ctx == 0x42,
	      "CPU_ON_32: vCPU 1 entered with x0 = the 32-bit context id 0x42 (got 0x%lx)", rec[1].ctx);

	affinity_errors();

	check(cpu_off_and_wait(1), "vCPU 1 off at the end");
	return 0;
}
