/* SPDX-License-Identifier: MIT */
/*
 * Small platform rules: which PSCI conduit moat uses at EL2 (never HVC,
 * which would trap to moat itself), the ICC_SGI1R_EL1 value for a kick to
 * any CPU (RS for Aff0 >= 16), and err_name()'s phrases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/gicv3.h"
#include "core/firmware.h"
#include "core/psci.h"
#include "lib/err.h"

/* The conduits, as the firmware.c links them: record who was called. */
static int smc_calls, hvc_calls;

s64 fw_smc(u64 fid, u64 a1, u64 a2, u64 a3);
s64 fw_hvc(u64 fid, u64 a1, u64 a2, u64 a3);

s64 fw_smc(u64 fid, u64 a1, u64 a2, u64 a3)
{
	smc_calls++;
	return 0;
}

s64 fw_hvc(u64 fid, u64 a1, u64 a2, u64 a3)
{
	hvc_calls++;
	return 0;
}

static void test_hvc_conduit_refused_at_el2(void **state)
{
	(void)state;
	assert_int_equal(firmware_conduit_at_el2(PSCI_CONDUIT_HVC), PSCI_CONDUIT_NONE);
	assert_int_equal(firmware_conduit_at_el2(PSCI_CONDUIT_SMC), PSCI_CONDUIT_SMC);
	assert_int_equal(firmware_conduit_at_el2(PSCI_CONDUIT_NONE), PSCI_CONDUIT_NONE);

	/* A tree saying "hvc": no HVC is ever issued, calls answer NOT_SUPPORTED. */
	smc_calls = hvc_calls = 0;
	firmware_init(firmware_conduit_at_el2(PSCI_CONDUIT_HVC));
	assert_int_equal(firmware_call(0x80000001, 0x80008000, 0, 0), PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(firmware_call(PSCI_CPU_ON_64, 1, 0, 0), PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(hvc_calls, 0);
	assert_int_equal(smc_calls, 0);

	firmware_init(firmware_conduit_at_el2(PSCI_CONDUIT_SMC));
	assert_int_equal(firmware_call(PSCI_CPU_ON_64, 1, 0, 0), 0);
	assert_int_equal(smc_calls, 1);
}

static void test_sgi_target(void **state)
{
	(void)state;
	/* Aff0 3: TargetList bit 3, RS 0. */
	assert_int_equal(gic_sgi1r_value(0, 0x3), 1ULL << 3);
	/* Aff0 16: RS 1 (bits 47:44), TargetList bit 0. */
	assert_int_equal(gic_sgi1r_value(0, 0x10), (1ULL << 44) | 1);
	/* Aff0 0xff: RS 15, bit 15. */
	assert_int_equal(gic_sgi1r_value(0, 0xff), (15ULL << 44) | (1ULL << 15));
	/* Aff3.Aff2.Aff1.Aff0 = 1.2.3.20, SGI 5. */
	assert_int_equal(gic_sgi1r_value(5, 0x0100020314ULL),
			 (1ULL << 48) | (2ULL << 32) | (5ULL << 24) | (3ULL << 16) | (1ULL << 44) |
			 (1ULL << 4));
}

static void test_err_name(void **state)
{
	(void)state;
	assert_string_equal(err_name(-ENOMEM), "out of memory");
	assert_string_equal(err_name(-ENOSPC), "no space left");
	assert_string_equal(err_name(-EINVAL), "invalid argument");
	assert_string_equal(err_name(-E2BIG), "too big");
	assert_string_equal(err_name(ENOMEM), "out of memory");
	assert_string_equal(err_name(-4242), "error -4242");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hvc_conduit_refused_at_el2),
		cmocka_unit_test(test_sgi_target),
		cmocka_unit_test(test_err_name),
	};

	return cmocka_run_group_tests_name("firmware", tests, NULL, NULL);
}
