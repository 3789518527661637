/* SPDX-License-Identifier: MIT */
/*
 * FP/SIMD state across exits: q0-q31, FPCR and FPSR are loaded with
 * distinct values, the guest then makes many hypercalls, MMIO exits,
 * trapped system-register reads and injected exceptions (all C here is
 * built with -mgeneral-regs-only, so only moat could touch the registers),
 * and the registers are read back and compared. moat switches FP state
 * lazily; this checks that whatever it does, the guest sees its own values.
 */
#include "guest.h"

GUEST_PLAN(13);

void fp_load(const uint64_t vals[64], uint64_t fpcr, uint64_t fpsr);
void fp_save(uint64_t vals[64], uint64_t ctl[2]);

/* FPCR: AHP, DN, FZ, RMode = round towards minus infinity. FPSR: QC + all cumulative flags. */
#define FPCR_VAL	((1u << 26) | (1u << 25) | (1u << 24) | (2u << 22))
#define FPSR_VAL	((1u << 27) | 0x9fu)

static uint64_t want[64] __attribute__((aligned(16)));
static uint64_t got[64] __attribute__((aligned(16)));
static uint64_t want_ctl[2], got_ctl[2];

static void load(void)
{
	fp_load(want, FPCR_VAL, FPSR_VAL);
}

static void compare(const char *after)
{
	unsigned bad = 0, first = 64;

	fp_save(got, got_ctl);
	for (unsigned i = 0; i < 64; i++) {
		if (got[i] != want[i]) {
			if (first == 64)
				first = i;
			bad++;
		}
	}
	if (bad)
		printf("first difference: q%u.d[%u] want 0x%016lx got 0x%016lx\n", first / 2,
		       first % 2, want[first], got[first]);
	check(!bad, "q0-q31 intact after %s (%u doublewords differ)", after, bad);
	check(got_ctl[0] == want_ctl[0], "FPCR intact after %s (want 0x%lx got 0x%lx)", after,
	      want_ctl[0], got_ctl[0]);
	check(got_ctl[1] == want_ctl[1], "FPSR intact after %s (want 0x%lx got 0x%lx)", after,
	      want_ctl[1], got_ctl[1]);
}

int main(void)
{
	for (unsigned i = 0; i < 64; i++)
		want[i] = 0xf00d000000000000ULL ^ ((uint64_t)i << 40) ^ (i * 0x0123456789ULL);

	/* What FPCR/FPSR keep of the values (some bits may be RAZ/WI). */
	fp_load(want, FPCR_VAL, FPSR_VAL);
	fp_save(got, want_ctl);
	printf("FPCR 0x%lx FPSR 0x%lx\n", want_ctl[0], want_ctl[1]);
	check(want_ctl[0] != 0 && want_ctl[1] != 0, "FPCR and FPSR hold non-zero test values");
	load();
	compare("no exit (self-test)");

	load();
	for (unsigned i = 0; i < 100; i++) {
		hvc_call(SMCCC_VERSION, 0, 0, 0);
		hvc_call(MOAT_HC_NOP, 0, 0, 0);
		hvc_call(0xc600ffff, 0, 0, 0);
	}
	printf("300 hypercalls done\n");
	compare("300 hypercalls and console writes");

	load();
	tolerate_exceptions(true);
	for (unsigned i = 0; i < 100; i++) {
		mmio_write64(MOAT_TESTDEV_BASE + MOAT_TESTDEV_SCRATCH, i);
		(void)mmio_read64(MOAT_TESTDEV_BASE + MOAT_TESTDEV_MAGIC);
		(void)mmio_read8(MOAT_TESTDEV_BASE + MOAT_TESTDEV_NEG);
	}
	tolerate_exceptions(false);
	compare("300 MMIO exits");

	load();
	uint64_t acc = 0;
	for (unsigned i = 0; i < 100; i++)
		acc ^= read_sysreg(id_aa64pfr0_el1) ^ read_sysreg(id_aa64isar0_el1);
	(void)acc;
	for (unsigned i = 0; i < 20; i++) {
		struct probe p;

		expect_exception();
		__asm__ volatile("mrs %0, s3_0_c15_c0_0" : "=r"(acc) : : "memory");
		expect_none();
		probe_read64(0x20000000, &p);
	}
	compare("trapped sysregs and injected exceptions");
	return 0;
}
