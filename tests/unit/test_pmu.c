/* SPDX-License-Identifier: MIT */
/*
 * core/pmu.c on the fake CPU (a name -> value store that records writes
 * in order; PMSELR_EL0 indirection is not modelled, so indexed accesses
 * are checked as the sequence PMSELR write, PMXEV* access). Field
 * positions are written by hand from the Arm ARM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/vm.h"

/* ISS encodings (op0 21:20, op2 19:17, op1 16:14, CRn 13:10, CRm 4:1). */
#define ENC(op0, op1, crn, crm, op2) \
	(((u32)(op0) << 20) | ((u32)(op2) << 17) | ((u32)(op1) << 14) | ((u32)(crn) << 10) | ((u32)(crm) << 1))
#define PMCR		ENC(3, 3, 9, 12, 0)
#define PMCNTENSET	ENC(3, 3, 9, 12, 1)
#define PMSWINC		ENC(3, 3, 9, 12, 4)
#define PMCEID0		ENC(3, 3, 9, 12, 6)
#define PMXEVCNTR	ENC(3, 3, 9, 13, 2)
#define PMCCNTR		ENC(3, 3, 9, 13, 0)
#define PMINTENSET	ENC(3, 0, 9, 14, 1)
#define PMEVCNTR(n)	ENC(3, 3, 14, 8 + ((n) >> 3), (n) & 7)
#define PMEVTYPER(n)	ENC(3, 3, 14, 12 + ((n) >> 3), (n) & 7)

#define DFR0_PMUV3P5	(6ULL << 8)
#define PMCR_N6		(6ULL << 11)
#define TYPER_P		(1ULL << 31)
#define TYPER_U		(1ULL << 30)
#define TYPER_NSK	(1ULL << 29)
#define TYPER_NSU	(1ULL << 28)
#define TYPER_NSH	(1ULL << 27)
#define TYPER_M		(1ULL << 26)
#define TYPER_MT	(1ULL << 25)

static struct vcpu vcpu;

static int setup(void **state)
{
	u64 v;

	(void)state;
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.ctx.pstate = 0x5;	/* EL1h */
	fake_sysreg_reset();
	fake_write_sysreg("id_aa64dfr0_el1", DFR0_PMUV3P5);
	/* The CPU's PMU holds this vCPU's state (its first access brings it in). */
	pmu_access(&vcpu, PMCR, true, &v);
	fake_write_sysreg("pmcr_el0", PMCR_N6);
	fake_hw_reset();
	return 0;
}

static bool access(u32 enc, bool read, u64 *val)
{
	return pmu_access(&vcpu, enc, read, val);
}

static void test_sanitise(void **state)
{
	(void)state;
	/* EL2 (NSH), EL3 (M) and other-thread (MT) filters dropped; 16-bit events from PMUv3p1. */
	assert_int_equal(pmu_evtyper_sanitise(~0ULL, 6), TYPER_P | TYPER_U | TYPER_NSK | TYPER_NSU | 0xffff);
	assert_int_equal(pmu_evtyper_sanitise(~0ULL, 1), TYPER_P | TYPER_U | TYPER_NSK | TYPER_NSU | 0x3ff);
	assert_int_equal(pmu_evtyper_sanitise(TYPER_NSH | TYPER_M | TYPER_MT | 0x11, 6), 0x11);
	assert_int_equal(pmu_ccfiltr_sanitise(~0ULL), TYPER_P | TYPER_U | TYPER_NSK | TYPER_NSU);
}

static void test_no_pmu_undef(void **state)
{
	u64 v = 0;

	(void)state;
	fake_write_sysreg("id_aa64dfr0_el1", 0);
	assert_false(pmu_offered());
	assert_false(access(PMCR, true, &v));
	assert_false(access(PMEVCNTR(0), true, &v));
	fake_write_sysreg("id_aa64dfr0_el1", 0xfULL << 8);	/* IMPLEMENTATION DEFINED PMU */
	assert_false(access(PMCR, true, &v));
	assert_int_equal(fake_hw_count(), 2);	/* only the two ID writes above: nothing reached the PMU */
}

static void test_counter_numbers(void **state)
{
	u64 v = 0;

	(void)state;
	assert_int_equal(pmu_nr_counters(), 6);
	assert_true(access(PMEVCNTR(5), true, &v));
	assert_true(access(PMEVTYPER(5), false, &v));
	assert_false(access(PMEVCNTR(6), true, &v));
	assert_false(access(PMEVTYPER(6), false, &v));
	assert_false(access(PMEVCNTR(30), false, &v));
	assert_false(access(PMEVCNTR(31), true, &v));	/* not an encoding of a counter */
	assert_true(access(PMEVTYPER(31), false, &v));	/* PMCCFILTR_EL0 */
	fake_write_sysreg("pmselr_el0", 6);
	assert_false(access(PMXEVCNTR, true, &v));
	fake_write_sysreg("pmselr_el0", 31);
	assert_false(access(PMXEVCNTR, true, &v));
	/* Read-only and write-only ones. */
	assert_false(access(PMCEID0, false, &v));
	assert_false(access(PMSWINC, true, &v));
}

static void test_writes_masked(void **state)
{
	u64 v;

	(void)state;
	v = ~0ULL;
	assert_true(access(PMCNTENSET, false, &v));
	assert_int_equal(fake_read_sysreg("pmcntenset_el0"), 0x8000003fULL);
	assert_true(access(PMINTENSET, false, &v));
	assert_int_equal(fake_read_sysreg("pmintenset_el1"), 0x8000003fULL);
	/* PMCR_EL0: X (bit 4) never set; E P C D DP LC LP (PMUv3p5) pass. */
	assert_true(access(PMCR, false, &v));
	assert_int_equal(fake_read_sysreg("pmcr_el0"), 0xefULL);
	fake_write_sysreg("pmcr_el0", PMCR_N6);	/* N is read-only on a CPU, not in the fake */
	/* PMEVTYPER3 reaches the CPU through PMSELR = 3 without NSH; PMSELR is the guest's again after. */
	fake_write_sysreg("pmselr_el0", 1);
	fake_hw_reset();
	v = TYPER_NSH | TYPER_U | 0x8;
	assert_true(access(PMEVTYPER(3), false, &v));
	assert_int_equal(fake_hw_event(0)->val, 3);
	assert_string_equal(fake_hw_event(0)->opt, "pmselr_el0");
	assert_string_equal(fake_hw_event(2)->opt, "pmxevtyper_el0");
	assert_int_equal(fake_hw_event(2)->val, TYPER_U | 0x8);
	assert_int_equal(fake_read_sysreg("pmselr_el0"), 1);
}

/* PMSWINC is counted by moat: the CPU would not count a write made at EL2. */
static void test_swinc(void **state)
{
	u64 v = 1ULL << 2;

	(void)state;
	fake_write_sysreg("pmcr_el0", PMCR_N6 | 1);	/* E */
	fake_write_sysreg("pmcntenset_el0", 1ULL << 2);
	fake_write_sysreg("pmxevtyper_el0", 0);		/* SW_INCR */
	fake_write_sysreg("pmxevcntr_el0", 41);
	assert_true(access(PMSWINC, false, &v));
	assert_int_equal(fake_read_sysreg("pmxevcntr_el0"), 42);
	assert_int_equal(fake_read_sysreg("pmovsset_el0"), 0);
	/* 32-bit overflow without PMCR_EL0.LP: wraps to 0 and sets PMOVSSET bit 2. */
	fake_write_sysreg("pmxevcntr_el0", 0xffffffffULL);
	assert_true(access(PMSWINC, false, &v));
	assert_int_equal(fake_read_sysreg("pmxevcntr_el0"), 0);
	assert_int_equal(fake_read_sysreg("pmovsset_el0"), 1ULL << 2);
	/* With LP: 64 bits. */
	fake_write_sysreg("pmovsset_el0", 0);
	fake_write_sysreg("pmcr_el0", PMCR_N6 | 1 | (1ULL << 7));
	fake_write_sysreg("pmxevcntr_el0", 0xffffffffULL);
	assert_true(access(PMSWINC, false, &v));
	assert_int_equal(fake_read_sysreg("pmxevcntr_el0"), 0x100000000ULL);
	assert_int_equal(fake_read_sysreg("pmovsset_el0"), 0);
	/* Not counted: P filters EL1, counter disabled, another event, PMCR_EL0.E clear. */
	fake_write_sysreg("pmxevcntr_el0", 5);
	fake_write_sysreg("pmxevtyper_el0", TYPER_P);
	assert_true(access(PMSWINC, false, &v));
	fake_write_sysreg("pmxevtyper_el0", 0x11);
	assert_true(access(PMSWINC, false, &v));
	fake_write_sysreg("pmxevtyper_el0", 0);
	v = 1ULL << 1;
	assert_true(access(PMSWINC, false, &v));
	fake_write_sysreg("pmcr_el0", PMCR_N6);
	v = 1ULL << 2;
	assert_true(access(PMSWINC, false, &v));
	assert_int_equal(fake_read_sysreg("pmxevcntr_el0"), 5);
	/* At EL0, U filters instead. */
	fake_write_sysreg("pmcr_el0", PMCR_N6 | 1);
	fake_write_sysreg("pmxevtyper_el0", TYPER_P);
	vcpu.ctx.pstate = 0;	/* EL0t */
	assert_true(access(PMSWINC, false, &v));
	assert_int_equal(fake_read_sysreg("pmxevcntr_el0"), 6);
}

static long find(const char *name, bool last)
{
	long at = -1;

	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == FAKE_SYSREG_WRITE && !strcmp(e->opt, name)) {
			at = (long)i;
			if (!last)
				break;
		}
	}
	return at;
}

/* A switch: counting stops before anything is read, starts after everything is written. */
static void test_switch_order(void **state)
{
	(void)state;
	fake_write_sysreg("pmcr_el0", PMCR_N6 | 1);
	fake_write_sysreg("pmcntenset_el0", 0x80000001ULL);
	fake_write_sysreg("pmuserenr_el0", 0xf);
	fake_hw_reset();
	pmu_vcpu_put(&vcpu);
	assert_int_equal(find("pmcr_el0", false), 0);
	assert_int_equal(fake_hw_event(0)->val & 1, 0);
	assert_int_equal(vcpu.pmu.pmcr & 1, 1);
	assert_int_equal(vcpu.pmu.pmcnten, 0x80000001ULL);
	assert_int_equal(vcpu.pmu.pmuserenr, 0xf);
	/* Left behind: nothing enabled, no overflow, no EL0 access. */
	assert_true(find("pmcntenclr_el0", true) > 0);
	assert_int_equal(fake_read_sysreg("pmcntenclr_el0"), 0x8000003fULL);
	assert_int_equal(fake_read_sysreg("pmintenclr_el1"), 0x8000003fULL);
	assert_int_equal(fake_read_sysreg("pmovsclr_el0"), 0x8000003fULL);
	assert_int_equal(fake_read_sysreg("pmuserenr_el0"), 0);
	/* Loading: stopped first, enabled last; types sanitised on the way in. */
	vcpu.pmu.evtyper[2] = TYPER_NSH | 0x11;
	fake_hw_reset();
	pmu_vcpu_load(&vcpu);
	assert_int_equal(find("pmcr_el0", false), 0);
	assert_int_equal(fake_hw_event(0)->val & 1, 0);
	long last = find("pmcr_el0", true);

	assert_int_equal(last, (long)fake_hw_count() - 2);	/* then an isb */
	assert_int_equal(fake_hw_event((size_t)last)->val & 1, 1);
	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == FAKE_SYSREG_WRITE && !strcmp(e->opt, "pmxevtyper_el0"))
			assert_int_equal(e->val & TYPER_NSH, 0);
	}
	assert_int_equal(fake_read_sysreg("pmuserenr_el0"), 0xf);
}

/*
 * Lazy switching: a vCPU that counts nothing costs no PMU access when it
 * comes or goes; its first access brings its state in, and then its put
 * takes it out. One that counts, or has an overflow interrupt asserted,
 * comes in at once.
 */
static void test_lazy(void **state)
{
	static struct vcpu other;
	u64 v = 0;

	(void)state;
	pmu_vcpu_put(&vcpu);		/* it held the PMU (setup): saved, stopped */
	fake_hw_reset();
	pmu_vcpu_put(&vcpu);		/* again: nothing of it is in the CPU */
	memset(&other, 0, sizeof(other));
	other.pmu.pmccntr = 1234;	/* a count, not counting */
	pmu_vcpu_load(&other);
	pmu_vcpu_put(&other);
	pmu_vcpu_load(&other);
	assert_int_equal(fake_hw_count(), 0);
	assert_true(pmu_access(&other, PMCCNTR, true, &v));
	assert_int_equal(v, 1234);
	assert_true(find("pmccntr_el0", false) >= 0);
	assert_true(find("pmcr_el0", false) >= 0);
	/* Its put saves what the CPU has now. */
	fake_write_sysreg("pmccntr_el0", 1300);
	pmu_vcpu_put(&other);
	assert_int_equal(other.pmu.pmccntr, 1300);
	assert_int_equal(fake_read_sysreg("pmcntenclr_el0"), 0x80000000ULL);
	/* Counting: in at once. */
	other.pmu.pmcr = 1;
	other.pmu.pmcnten = 1ULL << 31;
	fake_hw_reset();
	pmu_vcpu_load(&other);
	assert_true(find("pmcntenset_el0", false) >= 0);
	pmu_vcpu_put(&other);
	/* Not counting, overflow interrupt asserted: in at once too. */
	other.pmu.pmcr = 0;
	other.pmu.pmovs = other.pmu.pminten = 1ULL << 31;
	fake_hw_reset();
	pmu_vcpu_load(&other);
	assert_true(find("pmovsset_el0", false) >= 0);
	assert_int_equal(fake_read_sysreg("pmintenset_el1"), 1ULL << 31);
	pmu_vcpu_put(&other);
	/* Enabled with no counter enabled, overflow with its interrupt off: lazy. */
	other.pmu.pmcr = 1;
	other.pmu.pmcnten = 0;
	other.pmu.pminten = 0;
	fake_hw_reset();
	pmu_vcpu_load(&other);
	assert_int_equal(fake_hw_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sanitise, setup),
		cmocka_unit_test_setup(test_no_pmu_undef, setup),
		cmocka_unit_test_setup(test_counter_numbers, setup),
		cmocka_unit_test_setup(test_writes_masked, setup),
		cmocka_unit_test_setup(test_swinc, setup),
		cmocka_unit_test_setup(test_switch_order, setup),
		cmocka_unit_test_setup(test_lazy, setup),
	};

	return cmocka_run_group_tests_name("pmu", tests, NULL, NULL);
}
