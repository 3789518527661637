/* SPDX-License-Identifier: MIT */
/*
 * Attack suite, hypercalls, SMCCC and PSCI (configs/attack_hvc.dts: this VM
 * with two vCPUs beside the bystander). moat's calls with pointers outside
 * RAM, straddling its end, wrapping, in MMIO, with huge lengths; function
 * ids nobody implements in every SMCCC owner range, in the SMC32 and SMC64
 * forms, over HVC and SMC; PSCI CPU_ON with MPIDRs it does not have,
 * reserved bits, entry points outside RAM, misaligned or in MMIO, vCPUs
 * already on, a CPU_ON/CPU_OFF race; AFFINITY_INFO with nonsense; calls
 * moat does not implement (MEM_PROTECT, SYSTEM_RESET2, ...); and a storm
 * of SYSTEM_RESETs with the second vCPU running. Each must get the
 * documented error code, leave the registers SMCCC says it preserves,
 * and leave moat and the bystander running.
 *
 * The reset storm keeps its count in the test device's SCRATCH register,
 * which SYSTEM_RESET does not clear (it rebuilds RAM, the GIC and the
 * UART): the guest checks it came back RESETS times, each time with
 * nothing the previous boot wrote left in its RAM.
 */
#include "attack_lib.h"
#include "smp.h"

GUEST_PLAN(28);

#define SCRATCH		(MOAT_TESTDEV_BASE + MOAT_TESTDEV_SCRATCH)
#define STORM_MAGIC	0x53544f524d000000ULL	/* "STORM" in the high bytes */
#define STORM_MASK	0xffffffffff000000ULL
#define STORM_DIRTY	(1ULL << 16)	/* a boot found RAM left over */
#define STORM_COUNT	0xffffULL
#define RESETS		20
#define RACE_ROUNDS	200

#define PSCI_CPU_DEFAULT_SUSPEND 0x8400000cu
#define PSCI_NODE_HW_STATE_64	0xc400000du
#define PSCI_SYSTEM_RESET2_64	0xc4000012u
#define PSCI_MEM_PROTECT	0x84000013u
#define PSCI_MEM_PROTECT_RANGE	0xc4000014u
#define PSCI_STAT_RESIDENCY_64	0xc4000010u

static volatile uint32_t secondary_starts;
static volatile uint32_t secondary_mode;	/* 0: spin; 1: CPU_OFF */

/* Counts its starts, spins (its own physical CPU) until told to power off. */
void secondary_main(uint64_t context_id)
{
	__atomic_add_fetch(&secondary_starts, 1, __ATOMIC_SEQ_CST);
	dsb(sy);
	while (!secondary_mode)
		__asm__ volatile("yield" ::: "memory");
	psci_cpu_off();
	for (;;)
		__asm__ volatile("wfi");
}

static char msg[] = "attack: this line must never be printed\n";

static bool all_eq(const int64_t *got, unsigned n, int64_t want, const char *what)
{
	bool ok = true;

	for (unsigned i = 0; i < n; i++) {
		if (got[i] != want) {
			printf("detail: %s #%u returned %ld, expected %ld\n", what, i, (long)got[i],
			       (long)want);
			ok = false;
		}
	}
	return ok;
}

/*
 * An unknown call returns NOT_SUPPORTED in x0 and, beyond x0..x3 (results),
 * leaves every register as it was: nothing of moat's leaks into x4..x17.
 */
static bool unknown_call_leaks_nothing(uint32_t fid, bool smc)
{
	uint64_t before[18], after[18];

	for (unsigned i = 0; i < 18; i++)
		before[i] = 0xa77ac4000000000ULL + i;
	before[0] = fid;
	{
		register uint64_t x0 __asm__("x0") = before[0], x1 __asm__("x1") = before[1],
			x2 __asm__("x2") = before[2], x3 __asm__("x3") = before[3],
			x4 __asm__("x4") = before[4], x5 __asm__("x5") = before[5],
			x6 __asm__("x6") = before[6], x7 __asm__("x7") = before[7],
			x8 __asm__("x8") = before[8], x9 __asm__("x9") = before[9],
			x10 __asm__("x10") = before[10], x11 __asm__("x11") = before[11],
			x12 __asm__("x12") = before[12], x13 __asm__("x13") = before[13],
			x14 __asm__("x14") = before[14], x15 __asm__("x15") = before[15],
			x16 __asm__("x16") = before[16], x17 __asm__("x17") = before[17];

		if (smc)
			__asm__ volatile("smc #0"
					 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5),
					   "+r"(x6), "+r"(x7), "+r"(x8), "+r"(x9), "+r"(x10), "+r"(x11),
					   "+r"(x12), "+r"(x13), "+r"(x14), "+r"(x15), "+r"(x16), "+r"(x17)
					 : : "memory");
		else
			__asm__ volatile("hvc #0"
					 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5),
					   "+r"(x6), "+r"(x7), "+r"(x8), "+r"(x9), "+r"(x10), "+r"(x11),
					   "+r"(x12), "+r"(x13), "+r"(x14), "+r"(x15), "+r"(x16), "+r"(x17)
					 : : "memory");
		after[0] = x0; after[1] = x1; after[2] = x2; after[3] = x3;
		after[4] = x4; after[5] = x5; after[6] = x6; after[7] = x7;
		after[8] = x8; after[9] = x9; after[10] = x10; after[11] = x11;
		after[12] = x12; after[13] = x13; after[14] = x14; after[15] = x15;
		after[16] = x16; after[17] = x17;
	}
	bool ok = (int64_t)after[0] == SMCCC_RET_NOT_SUPPORTED;

	for (unsigned i = 1; i < 18; i++)
		if (after[i] != before[i] && !(i <= 3 && after[i] == 0))
			ok = false;
	if (!ok)
		printf("detail: fid 0x%x over %s: x0 %ld x1 0x%lx x2 0x%lx x3 0x%lx x4 0x%lx x17 0x%lx\n",
		       fid, smc ? "SMC" : "HVC", (long)after[0], after[1], after[2], after[3], after[4],
		       after[17]);
	return ok;
}

static void reset_storm(void)
{
	uint64_t s = mmio_read64(SCRATCH);
	uint64_t count = (s & STORM_MASK) == STORM_MAGIC ? s & STORM_COUNT : 0;
	bool dirty = (s & STORM_MASK) == STORM_MAGIC && (s & STORM_DIRTY);
	uint64_t from = (uint64_t)(uintptr_t)__image_end, to = GUEST_RAM_END - 0x200000;

	/* What the previous boot wrote to free RAM must be gone (the DTB is in the last 2 MiB). */
	for (uint64_t a = from; a < to; a += 64)
		dirty = dirty || *(volatile uint64_t *)a != 0;
	if (count < RESETS) {
		for (uint64_t a = from; a < to; a += 64)
			*(volatile uint64_t *)a = 0x6c6566746f766572ULL ^ a;
		mmio_write64(SCRATCH, STORM_MAGIC | (dirty ? STORM_DIRTY : 0) | (count + 1));
		printf("reset storm: boot %lu of %d, second vCPU on (%ld), SYSTEM_RESET\n", count + 1,
		       RESETS + 1, (long)smp_start_cpu(1, 0));
		hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		printf("error: SYSTEM_RESET returned\n");
	}
	mmio_write64(SCRATCH, 0);
	ATTACK(count == RESETS && secondary_starts == 0, "psci",
	       "a storm of SYSTEM_RESETs with the second vCPU running: the VM comes back each time");
	ATTACK(count == RESETS && !dirty, "psci",
	       "after each SYSTEM_RESET nothing the previous boot wrote is left in RAM");
}

int main(void)
{
	int64_t r[8];
	uint64_t entry = (uintptr_t)smp_entry;

	reset_storm();

	/* moat's own calls with bad buffers. */
	r[0] = hvc_call(MOAT_HC_CONSOLE_WRITE, 0, 16, 0);
	r[1] = hvc_call(MOAT_HC_CONSOLE_WRITE, 0x20000000, 16, 0);
	r[2] = hvc_call(MOAT_HC_CONSOLE_WRITE, 0x7ff00000, 16, 0);
	ATTACK(all_eq(r, 3, SMCCC_RET_INVALID_PARAMETER, "CONSOLE_WRITE outside"), "hvc",
	       "CONSOLE_WRITE from IPAs outside RAM gets INVALID_PARAMETER");
	r[0] = hvc_call(MOAT_HC_CONSOLE_WRITE, GUEST_RAM_END - 8, 16, 0);
	r[1] = hvc_call(MOAT_HC_CONSOLE_WRITE, GUEST_RAM_BASE - 8, 16, 0);
	ATTACK(all_eq(r, 2, SMCCC_RET_INVALID_PARAMETER, "CONSOLE_WRITE straddling"), "hvc",
	       "CONSOLE_WRITE straddling either end of RAM gets INVALID_PARAMETER");
	r[0] = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)msg, 1ULL << 63, 0);
	r[1] = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)msg, ~0ULL, 0);
	r[2] = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)msg, MOAT_HC_CONSOLE_MAX + 1, 0);
	r[3] = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)msg, 1ULL << 32 | 8, 0);
	ATTACK(all_eq(r, 4, SMCCC_RET_INVALID_PARAMETER, "CONSOLE_WRITE huge"), "hvc",
	       "CONSOLE_WRITE with huge lengths (2^63, 2^64-1, 2^32+8, 513) gets INVALID_PARAMETER");
	r[0] = hvc_call(MOAT_HC_CONSOLE_WRITE, ~0ULL - 7, 16, 0);
	r[1] = hvc_call(MOAT_HC_CONSOLE_WRITE, GUEST_RAM_BASE + 0x100, ~0ULL - 0xff, 0);
	ATTACK(all_eq(r, 2, SMCCC_RET_INVALID_PARAMETER, "CONSOLE_WRITE wrapping"), "hvc",
	       "CONSOLE_WRITE whose end wraps past 2^64 gets INVALID_PARAMETER");
	r[0] = hvc_call(MOAT_HC_CONSOLE_WRITE, MOAT_TESTDEV_BASE, 16, 0);
	r[1] = hvc_call(MOAT_HC_CONSOLE_WRITE, 0x08000000, 16, 0);
	ATTACK(all_eq(r, 2, SMCCC_RET_INVALID_PARAMETER, "CONSOLE_WRITE MMIO"), "hvc",
	       "CONSOLE_WRITE from emulated MMIO (test device, GICD) gets INVALID_PARAMETER");
	r[0] = hvc_call(MOAT_HC_TEST_REPORT, 1, 0x7ff00000, 8);
	r[1] = hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)msg, 0);
	r[2] = hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)msg, MOAT_HC_TEST_NAME_MAX + 1);
	r[3] = hvc_call(MOAT_HC_TEST_REPORT, 1, GUEST_RAM_END - 4, 8);
	r[4] = hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)msg, ~0ULL);
	ATTACK(all_eq(r, 5, SMCCC_RET_INVALID_PARAMETER, "TEST_REPORT"), "hvc",
	       "TEST_REPORT with names outside RAM, empty, too long or huge gets INVALID_PARAMETER");
	r[0] = hvc_call(MOAT_HC_AT_TRANSLATE, 0x40080000, 6, 0);
	r[1] = hvc_call(MOAT_HC_AT_TRANSLATE, 0x40080000, ~0ULL, 0);
	r[2] = hvc_call(MOAT_HC_AT_TRANSLATE, 0x40080000, 1ULL << 32, 0);
	ATTACK(all_eq(r, 3, SMCCC_RET_INVALID_PARAMETER, "AT_TRANSLATE op"), "hvc",
	       "AT_TRANSLATE with ops out of range gets INVALID_PARAMETER");

	/* Ids nobody implements. */
	static const uint32_t unknown[] = {
		0xc6000000, 0xc6007fff, 0xc600ffff,	/* vendor hypervisor, moat's range */
		0x82000001, 0xc2000010,			/* SiP */
		0x83000001,				/* OEM */
		0x8400001f, 0xc4000100,			/* standard secure, unallocated */
		0x85000001,				/* standard hypervisor */
		0xb0000001, 0xb2000001, 0xbf00ff00,	/* trusted applications and OSes */
		0x81000001,				/* CPU service */
		0x80000100, 0x8000ffff,			/* arm architecture, unallocated */
		0x04000001, 0x46000001, 0x00000000,	/* yielding calls */
	};
	unsigned bad = 0;

	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		int64_t h = hvc_call(unknown[i], 1, 2, 3), s = smc_call(unknown[i], 1, 2, 3);

		if (h != SMCCC_RET_NOT_SUPPORTED || s != SMCCC_RET_NOT_SUPPORTED) {
			printf("detail: fid 0x%x: HVC %ld SMC %ld\n", unknown[i], (long)h, (long)s);
			bad++;
		}
	}
	ATTACK(bad == 0, "smccc",
	       "unimplemented ids in every owner range, over HVC and SMC, get NOT_SUPPORTED");
	r[0] = hvc_call(0x86000001, (uintptr_t)msg, sizeof(msg) - 1, 0);
	r[1] = hvc_call(0x86000002, 1, (uintptr_t)msg, 8);
	r[2] = hvc_call(0x86000004, 0, 0, 0);
	r[3] = hvc_call(0x86000005, 0x40080000, 0, 0);
	ATTACK(all_eq(r, 4, SMCCC_RET_NOT_SUPPORTED, "SMC32 forms"), "smccc",
	       "SMC32 forms of moat's calls get NOT_SUPPORTED");
	ATTACK(unknown_call_leaks_nothing(0xc600beef, false) &&
	       unknown_call_leaks_nothing(0x8200beef, true),
	       "smccc", "an unknown call changes no register beyond x0-x3 (nothing of moat leaks)");
	r[0] = hvc_call(SMCCC_ARCH_FEATURES, 0xc600beef, 0, 0);
	r[1] = hvc_call(SMCCC_ARCH_FEATURES, 0x8200beef, 0, 0);
	r[2] = hvc_call(SMCCC_ARCH_FEATURES, 0x80000100, 0, 0);
	ATTACK(all_eq(r, 3, SMCCC_RET_NOT_SUPPORTED, "ARCH_FEATURES unknown"), "smccc",
	       "ARCH_FEATURES of unknown ids gets NOT_SUPPORTED");
	r[0] = hvc_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0);
	printf("detail: ARCH_FEATURES(ARCH_WORKAROUND_2) = %ld\n", (long)r[0]);
	ATTACK(r[0] != 0, "smccc",
	       "ARCH_FEATURES(ARCH_WORKAROUND_2) does not offer the guest a way to turn the mitigation off");
	hvc_call(SMCCC_ARCH_WORKAROUND_2, 0, 0, 0);
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "smccc",
	       "ARCH_WORKAROUND_2(disable) and moat keeps answering");

	/* PSCI CPU_ON with nonsense. */
	r[0] = psci_cpu_on(2, entry, 0);
	r[1] = psci_cpu_on(0x100, entry, 0);
	r[2] = psci_cpu_on(0x10000, entry, 0);
	r[3] = psci_cpu_on(0xff00000000ULL, entry, 0);
	r[4] = hvc_call(PSCI_CPU_ON_32, 0xff, entry, 0);
	ATTACK(all_eq(r, 5, PSCI_RET_INVALID_PARAMS, "CPU_ON absent MPIDR"), "psci",
	       "CPU_ON of MPIDRs it does not have gets INVALID_PARAMETERS");
	r[0] = psci_cpu_on(1ULL << 31 | 1, entry, 0);
	r[1] = psci_cpu_on(1ULL << 40 | 1, entry, 0);
	r[2] = psci_cpu_on(1ULL << 63 | 1, entry, 0);
	r[3] = psci_cpu_on(~0ULL, entry, 0);
	ATTACK(all_eq(r, 4, PSCI_RET_INVALID_PARAMS, "CPU_ON reserved bits"), "psci",
	       "CPU_ON with reserved MPIDR bits set gets INVALID_PARAMETERS");
	r[0] = psci_cpu_on(1, 0x20000000, 0);
	r[1] = psci_cpu_on(1, GUEST_RAM_END, 0);
	r[2] = psci_cpu_on(1, 0x7ff00000, 0);
	r[3] = psci_cpu_on(1, ~0ULL - 3, 0);
	r[4] = psci_cpu_on(1, 0, 0);
	ATTACK(all_eq(r, 5, PSCI_RET_INVALID_ADDRESS, "CPU_ON outside"), "psci",
	       "CPU_ON with an entry point outside RAM gets INVALID_ADDRESS");
	r[0] = psci_cpu_on(1, entry + 2, 0);
	r[1] = psci_cpu_on(1, entry + 1, 0);
	r[2] = psci_cpu_on(1, GUEST_RAM_END - 2, 0);
	ATTACK(all_eq(r, 3, PSCI_RET_INVALID_ADDRESS, "CPU_ON misaligned"), "psci",
	       "CPU_ON with a misaligned entry point gets INVALID_ADDRESS");
	r[0] = psci_cpu_on(1, MOAT_TESTDEV_BASE, 0);
	r[1] = psci_cpu_on(1, 0x08000000, 0);
	ATTACK(all_eq(r, 2, PSCI_RET_INVALID_ADDRESS, "CPU_ON MMIO"), "psci",
	       "CPU_ON with an entry point in emulated MMIO gets INVALID_ADDRESS");
	ATTACK(secondary_starts == 0 && psci_affinity_info(1, 0) == PSCI_AFFINITY_OFF, "psci",
	       "after all the refused CPU_ONs the second vCPU is still off");
	r[0] = psci_cpu_on(0, entry, 0);
	r[1] = smp_start_cpu(1, 0);
	ATTACK(r[0] == PSCI_RET_ALREADY_ON && r[1] == PSCI_RET_SUCCESS &&
	       wait_eq32(&secondary_starts, 1, 1000 * ticks_per_ms()), "psci",
	       "CPU_ON of itself gets ALREADY_ON; of the second vCPU starts it");
	r[0] = smp_start_cpu(1, 0);
	r[1] = hvc_call(PSCI_CPU_ON_32, 1ULL << 32 | 1, entry, 0);
	ATTACK(all_eq(r, 2, PSCI_RET_ALREADY_ON, "CPU_ON again"), "psci",
	       "CPU_ON of a vCPU already on (SMC64, and SMC32 with junk upper bits) gets ALREADY_ON");

	/* AFFINITY_INFO with nonsense. */
	r[0] = psci_affinity_info(0, 1);
	r[1] = psci_affinity_info(0, 3);
	r[2] = psci_affinity_info(0, 1ULL << 32);
	r[3] = psci_affinity_info(5, 0);
	r[4] = psci_affinity_info(1ULL << 40, 0);
	r[5] = psci_affinity_info(~0ULL, ~0ULL);
	ATTACK(all_eq(r, 6, PSCI_RET_INVALID_PARAMS, "AFFINITY_INFO"), "psci",
	       "AFFINITY_INFO with bad levels or MPIDRs gets INVALID_PARAMETERS");

	/* Calls moat does not implement. */
	static const uint32_t unimpl[] = {
		PSCI_MEM_PROTECT, PSCI_MEM_PROTECT_RANGE, PSCI_SYSTEM_RESET2_64, PSCI_SYSTEM_SUSPEND_64,
		PSCI_CPU_FREEZE, PSCI_CPU_DEFAULT_SUSPEND, PSCI_NODE_HW_STATE_64, PSCI_STAT_COUNT_64,
		PSCI_STAT_RESIDENCY_64, PSCI_MIGRATE,
	};
	bad = 0;
	for (unsigned i = 0; i < sizeof(unimpl) / sizeof(unimpl[0]); i++) {
		int64_t v = hvc_call(unimpl[i], GUEST_RAM_BASE, 0x1000000, 0);
		int64_t f = hvc_call(PSCI_FEATURES, unimpl[i], 0, 0);

		if (v != PSCI_RET_NOT_SUPPORTED || f != PSCI_RET_NOT_SUPPORTED) {
			printf("detail: PSCI 0x%x: call %ld FEATURES %ld\n", unimpl[i], (long)v, (long)f);
			bad++;
		}
	}
	ATTACK(bad == 0, "psci",
	       "MEM_PROTECT, SYSTEM_RESET2, SYSTEM_SUSPEND, CPU_FREEZE and others get NOT_SUPPORTED");
	r[0] = hvc_call(PSCI_FEATURES, 0xdeadbeef, 0, 0);
	r[1] = hvc_call(PSCI_FEATURES, 0x8400001f, 0, 0);
	r[2] = hvc_call(PSCI_FEATURES, MOAT_HC_CONSOLE_WRITE, 0, 0);
	ATTACK(all_eq(r, 3, PSCI_RET_NOT_SUPPORTED, "PSCI_FEATURES"), "psci",
	       "PSCI_FEATURES of ids that are not PSCI calls gets NOT_SUPPORTED");

	/* A CPU_ON / CPU_OFF race: the second vCPU powers off as soon as it starts. */
	{
		unsigned success = 0, already = 0, other = 0;
		uint64_t ms = ticks_per_ms();

		secondary_mode = 1;
		dsb(sy);
		/* The second vCPU, spinning since it started, sees the mode and powers off. */
		uint64_t t0 = counter();

		while (psci_affinity_info(1, 0) != PSCI_AFFINITY_OFF && counter() - t0 < 2000 * ms)
			;
		uint32_t base = secondary_starts;

		for (unsigned i = 0; i < RACE_ROUNDS; i++) {
			int64_t v = smp_start_cpu(1, 0);

			if (v == PSCI_RET_SUCCESS)
				success++;
			else if (v == PSCI_RET_ALREADY_ON)
				already++;
			else
				other++;
		}
		bool settled = wait_eq32(&secondary_starts, base + success, 2000 * ms);

		printf("detail: race: %u started, %u already on, %u other; %u starts seen\n", success,
		       already, other, secondary_starts - base);
		ATTACK(other == 0 && settled, "psci",
		       "CPU_ON racing the target's CPU_OFF: only SUCCESS or ALREADY_ON, one start per SUCCESS");
	}
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "hvc", "after all that, moat still answers");
	return 0;
}
