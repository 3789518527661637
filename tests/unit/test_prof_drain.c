/* SPDX-License-Identifier: MIT */
/*
 * core/prof_drain.c on fake CPUs with and without SPE, TRF and TRBE: the
 * exact order of register writes, barriers and PSB/TSB CSYNC the fake
 * records, the values saved and restored, and nothing at all on a CPU
 * without the features. Register encodings and ID fields are written by
 * hand from the Arm ARM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/prof_drain.h"

#define PMSCR		"s3_0_c9_c9_0"
#define PMBLIMITR	"s3_0_c9_c10_0"
#define PMBIDR		"s3_0_c9_c10_7"
#define TRFCR		"s3_0_c1_c2_1"
#define TRBLIMITR	"s3_0_c9_c11_0"
#define TRBIDR		"s3_0_c9_c11_7"

#define DFR0_SPE	(1ULL << 32)	/* PMSVer 1 */
#define DFR0_TRF	(1ULL << 40)	/* TraceFilt 1 */
#define DFR0_TRBE	(1ULL << 44)	/* TraceBuffer 1 */

/* One expected event: "msr NAME=VAL", "isb", "dsb nsh", "psb csync", "tsb csync". */
struct want {
	enum fake_op op;
	const char *opt;
	u64 val;
};

static void expect(const struct want *w, size_t n)
{
	if (fake_hw_count() != n) {
		fake_hw_dump();
		fail_msg("%zu events, want %zu", fake_hw_count(), n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op != w[i].op || (w[i].opt && strcmp(e->opt, w[i].opt)) ||
		    (w[i].op == FAKE_SYSREG_WRITE && e->val != w[i].val)) {
			fake_hw_dump();
			fail_msg("event %zu: %s %s 0x%llx", i, fake_op_name(e->op), e->opt ? e->opt : "",
				 (unsigned long long)e->val);
		}
	}
}

#define MSR(r, v)	{ FAKE_SYSREG_WRITE, r, v }
#define ISB		{ FAKE_ISB, NULL, 0 }
#define DSB_NSH		{ FAKE_DSB, "nsh", 0 }
#define PSB		{ FAKE_INSN, "psb csync", 0 }
#define TSB		{ FAKE_INSN, "tsb csync", 0 }

static int setup(void **state)
{
	(void)state;
	fake_sysreg_reset();
	fake_write_sysreg(PMSCR, 0x3);		/* E0SPE, E1SPE */
	fake_write_sysreg(PMBLIMITR, 0x80001001);	/* limit, E */
	fake_write_sysreg(TRFCR, 0x3);		/* E0TRE, E1TRE */
	fake_write_sysreg(TRBLIMITR, 0x90001001);
	fake_hw_reset();
	return 0;
}

static void test_nothing_without_features(void **state)
{
	struct prof_caps caps;
	struct prof_saved s;

	(void)state;
	fake_record_reads = true;
	prof_caps_read(0, &caps);
	assert_false(caps.spe || caps.trf || caps.trbe);
	prof_drain_save(&caps, &s);
	prof_drain_restore(&caps, &s);
	fake_record_reads = false;
	assert_int_equal(fake_hw_count(), 0);	/* not even a read of an absent register */
}

static void test_buffers_owned_above(void **state)
{
	struct prof_caps caps;

	(void)state;
	fake_write_sysreg(PMBIDR, 1ULL << 4);
	fake_write_sysreg(TRBIDR, 1ULL << 4);
	prof_caps_read(DFR0_SPE | DFR0_TRF | DFR0_TRBE, &caps);
	assert_false(caps.spe);
	assert_true(caps.trf);
	assert_false(caps.trbe);
	fake_write_sysreg(PMBIDR, 0);
	fake_write_sysreg(TRBIDR, 0);
	prof_caps_read(DFR0_SPE | DFR0_TRBE, &caps);
	assert_true(caps.spe && caps.trbe);
	assert_false(caps.trf);
}

static void test_spe(void **state)
{
	struct prof_caps caps = { .spe = true };
	struct prof_saved s;
	const struct want save[] = {
		MSR(PMSCR, 0), ISB, PSB, DSB_NSH, MSR(PMBLIMITR, 0x80001000), ISB,
	};
	const struct want restore[] = {
		MSR(PMBLIMITR, 0x80001001), ISB, MSR(PMSCR, 0x3), ISB,
	};

	(void)state;
	prof_drain_save(&caps, &s);
	expect(save, sizeof(save) / sizeof(save[0]));
	assert_int_equal(s.pmscr, 0x3);
	assert_int_equal(s.pmblimitr, 0x80001001);
	fake_hw_reset();
	prof_drain_restore(&caps, &s);
	expect(restore, sizeof(restore) / sizeof(restore[0]));
}

static void test_trace(void **state)
{
	struct prof_caps caps = { .trf = true, .trbe = true };
	struct prof_saved s;
	const struct want save[] = {
		MSR(TRFCR, 0), ISB, TSB, DSB_NSH, MSR(TRBLIMITR, 0x90001000), ISB,
	};
	const struct want restore[] = {
		MSR(TRBLIMITR, 0x90001001), ISB, MSR(TRFCR, 0x3), ISB,
	};

	(void)state;
	prof_drain_save(&caps, &s);
	expect(save, sizeof(save) / sizeof(save[0]));
	fake_hw_reset();
	prof_drain_restore(&caps, &s);
	expect(restore, sizeof(restore) / sizeof(restore[0]));
}

/* TRF without a trace buffer: filters off, no TSB (nothing to drain). */
static void test_trf_only(void **state)
{
	struct prof_caps caps = { .trf = true };
	struct prof_saved s;
	const struct want save[] = { MSR(TRFCR, 0), ISB };
	const struct want restore[] = { MSR(TRFCR, 0x3), ISB };

	(void)state;
	prof_drain_save(&caps, &s);
	expect(save, 2);
	fake_hw_reset();
	prof_drain_restore(&caps, &s);
	expect(restore, 2);
}

/* Everything, buffers disabled by the host: drained, but the limits are left as they are. */
static void test_all_buffers_off(void **state)
{
	struct prof_caps caps = { .spe = true, .trf = true, .trbe = true };
	struct prof_saved s;
	const struct want save[] = {
		MSR(PMSCR, 0), ISB, PSB, DSB_NSH, MSR(TRFCR, 0), ISB, TSB, DSB_NSH, ISB,
	};
	const struct want restore[] = { ISB, MSR(PMSCR, 0x3), MSR(TRFCR, 0x3), ISB };

	(void)state;
	fake_write_sysreg(PMBLIMITR, 0x80001000);
	fake_write_sysreg(TRBLIMITR, 0x90001000);
	fake_hw_reset();
	prof_drain_save(&caps, &s);
	expect(save, sizeof(save) / sizeof(save[0]));
	fake_hw_reset();
	prof_drain_restore(&caps, &s);
	expect(restore, sizeof(restore) / sizeof(restore[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nothing_without_features, setup),
		cmocka_unit_test_setup(test_buffers_owned_above, setup),
		cmocka_unit_test_setup(test_spe, setup),
		cmocka_unit_test_setup(test_trace, setup),
		cmocka_unit_test_setup(test_trf_only, setup),
		cmocka_unit_test_setup(test_all_buffers_off, setup),
	};

	return cmocka_run_group_tests_name("prof_drain", tests, NULL, NULL);
}
