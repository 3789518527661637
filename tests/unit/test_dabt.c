/* SPDX-License-Identifier: MIT */
/*
 * dabt_classify (src/core/dabt.c): every one of the 64 DFSC values, with
 * FnV and CM set or not, against the list of fault codes whose HPFAR/FAR
 * moat may trust. The syndromes are built by hand: EC 0x24 in bits 31:26,
 * IL bit 25, FnV bit 10, CM bit 8, WnR bit 6, DFSC bits 5:0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/dabt.h"

#define DABT_LOW	(0x24ULL << 26 | 1ULL << 25)
#define FNV		(1ULL << 10)
#define CM		(1ULL << 8)
#define S1PTW		(1ULL << 7)
#define WNR		(1ULL << 6)

/* Translation (0x04..0x07, level -1 0x2b), access flag (0x08..0x0b), permission (0x0c..0x0f). */
static bool emulable(unsigned int fsc)
{
	return (fsc >= 0x04 && fsc <= 0x0f) || fsc == 0x2b;
}

static void test_every_fsc(void **state)
{
	(void)state;
	for (unsigned int fsc = 0; fsc < 64; fsc++) {
		u64 esr = DABT_LOW | fsc;

		assert_int_equal(dabt_classify(esr), emulable(fsc) ? DABT_EMULATE : DABT_ABORT);
		assert_int_equal(dabt_classify(esr | WNR), emulable(fsc) ? DABT_EMULATE : DABT_ABORT);
		/* FAR not valid: nothing to find an IPA with. */
		assert_int_equal(dabt_classify(esr | FNV), DABT_ABORT);
		assert_int_equal(dabt_classify(esr | CM | WNR), emulable(fsc) ? DABT_SKIP_CM : DABT_ABORT);
		assert_int_equal(dabt_classify(esr | CM | WNR | FNV), DABT_ABORT);
		/* An AT or DC whose own stage-1 walk faulted is not skipped: the walk path decides. */
		assert_int_equal(dabt_classify(esr | CM | S1PTW), emulable(fsc) ? DABT_EMULATE : DABT_ABORT);
	}
}

static void test_named_faults(void **state)
{
	(void)state;
	assert_int_equal(dabt_classify(DABT_LOW | 0x21), DABT_ABORT);	/* alignment */
	assert_int_equal(dabt_classify(DABT_LOW | 0x35), DABT_ABORT);	/* unsupported exclusive/atomic */
	assert_int_equal(dabt_classify(DABT_LOW | 0x31), DABT_ABORT);	/* unsupported atomic update */
	assert_int_equal(dabt_classify(DABT_LOW | 0x30), DABT_ABORT);	/* TLB conflict */
	assert_int_equal(dabt_classify(DABT_LOW | 0x10), DABT_ABORT);	/* synchronous external abort */
	assert_int_equal(dabt_classify(DABT_LOW | 0x14 | 3), DABT_ABORT);	/* SEA on walk */
	assert_int_equal(dabt_classify(DABT_LOW | 0x00 | 2), DABT_ABORT);	/* address size */
	assert_int_equal(dabt_classify(DABT_LOW | 0x04 | 3), DABT_EMULATE);	/* translation L3 */
	assert_int_equal(dabt_classify(DABT_LOW | 0x0c | 1 | WNR), DABT_EMULATE);	/* permission L1 */
	/* Another exception class is never a stage-2 data abort. */
	assert_int_equal(dabt_classify((0x25ULL << 26) | 0x07), DABT_ABORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fsc),
		cmocka_unit_test(test_named_faults),
	};

	return cmocka_run_group_tests_name("dabt", tests, NULL, NULL);
}
