/* SPDX-License-Identifier: MIT */
/*
 * core/spectre.c: which mitigation the guest-exit path runs for a CPU with
 * given ID registers and firmware answers; and core/smccc.c: a guest's
 * SMCCC_ARCH_WORKAROUND_2 reaches the firmware only to enable the SSB
 * mitigation, never to disable it. ID fields by hand: ID_AA64PFR0_EL1.CSV2
 * 59:56, ID_AA64ISAR2_EL1.CLRBHB 31:28, ID_AA64MMFR1_EL1.ECBHB 63:60.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/percpu.h"
#include "core/exit.h"
#include "moat/hypercall.h"
#include "core/spectre.h"
#include "core/vm.h"
#include "emul/at.h"

#define CSV2	(1ULL << 56)
#define CLRBHB	(1ULL << 28)
#define ECBHB	(1ULL << 60)
#define NS	SMCCC_RET_NOT_SUPPORTED
#define NR	SMCCC_RET_NOT_REQUIRED

static u32 choose(u64 pfr0, u64 isar2, u64 mmfr1, s64 wa1, s64 wa3, bool *unmit)
{
	struct spectre_inputs in = { pfr0, isar2, mmfr1, wa1, wa3 };

	return spectre_choose(&in, unmit);
}

static void test_choose(void **state)
{
	bool u;

	(void)state;
	/* CSV2 and ECBHB: nothing to do. */
	assert_int_equal(choose(CSV2, 0, ECBHB, NS, NS, &u), SPECTRE_MIT_NONE);
	assert_false(u);
	/* CSV2, BHB exposed, FEAT_CLRBHB: the hint, even if firmware offers WA3. */
	assert_int_equal(choose(CSV2, CLRBHB, 0, 0, 0, &u), SPECTRE_MIT_CLRBHB);
	assert_false(u);
	/* CSV2, no CLRBHB, firmware WA3. */
	assert_int_equal(choose(CSV2, 0, 0, 0, 0, &u), SPECTRE_MIT_FW_WA3);
	assert_false(u);
	/* No CSV2: CLRBHB alone does not cover branch targets; WA3 does. */
	assert_int_equal(choose(0, CLRBHB, ECBHB, 0, 0, &u), SPECTRE_MIT_FW_WA3);
	assert_false(u);
	/* No CSV2, BHB safe, only WA1. */
	assert_int_equal(choose(0, 0, ECBHB, 0, NS, &u), SPECTRE_MIT_FW_WA1);
	assert_false(u);
	/* No CSV2, BHB exposed, only WA1: targets covered, history not. */
	assert_int_equal(choose(0, 0, 0, 0, NS, &u), SPECTRE_MIT_FW_WA1);
	assert_true(u);
	/* Firmware says unaffected (1 or NOT_REQUIRED) for both. */
	assert_int_equal(choose(0, 0, 0, 1, NR, &u), SPECTRE_MIT_NONE);
	assert_false(u);
	/* CSV2, BHB exposed, nothing offered (QEMU's firmware): reported. */
	assert_int_equal(choose(CSV2, 0, 0, NS, NS, &u), SPECTRE_MIT_NONE);
	assert_true(u);
	/* Nothing at all. */
	assert_int_equal(choose(0, 0, 0, NS, NS, &u), SPECTRE_MIT_NONE);
	assert_true(u);
}

/* ---- handle_smccc: ARCH_WORKAROUND_2 ---- */

static unsigned int fw_calls;
static u64 fw_fid, fw_a1;

s64 firmware_call(u64 fid, u64 a1, u64 a2, u64 a3)
{
	(void)a2;
	(void)a3;
	fw_calls++;
	fw_fid = fid;
	fw_a1 = a1;
	return 0;
}

bool handle_psci(struct vcpu *v)
{
	(void)v;
	return false;
}

s64 at_hc_translate(struct vcpu *v, u64 va, u64 op)
{
	(void)v;
	(void)va;
	(void)op;
	return 0;
}

s64 hosted_call(struct vcpu *v)
{
	(void)v;
	return SMCCC_RET_NOT_SUPPORTED;
}

void vm_stop(struct vm *vm, int status)
{
	(void)vm;
	(void)status;
}

int vm_read_guest(const struct vm *vm, void *dst, ipa_t ipa, u64 len)
{
	(void)vm;
	(void)dst;
	(void)ipa;
	(void)len;
	return -1;
}

static void test_wa2_never_disables(void **state)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	struct vcpu *v = &vm->vcpus[0];

	(void)state;
	v->vm = vm;
	fw_calls = 0;
	/* Disable (x1 = 0): not forwarded. */
	v->ctx.x[0] = SMCCC_ARCH_WORKAROUND_2;
	v->ctx.x[1] = 0;
	handle_smccc(v);
	assert_int_equal(fw_calls, 0);
	/* Enable: forwarded as is. */
	v->ctx.x[0] = SMCCC_ARCH_WORKAROUND_2;
	v->ctx.x[1] = 1;
	handle_smccc(v);
	assert_int_equal(fw_calls, 1);
	assert_int_equal(fw_fid, SMCCC_ARCH_WORKAROUND_2);
	assert_int_equal(fw_a1, 1);
	/* An SMC32 call: w1 = 0 with junk above it is still a disable. */
	v->ctx.x[0] = SMCCC_ARCH_WORKAROUND_2;
	v->ctx.x[1] = 0x100000000ULL;
	handle_smccc(v);
	assert_int_equal(fw_calls, 1);
	/* Any other enable reaches the firmware as 1. */
	v->ctx.x[0] = SMCCC_ARCH_WORKAROUND_2;
	v->ctx.x[1] = 0xffffffff00000005ULL;
	handle_smccc(v);
	assert_int_equal(fw_calls, 2);
	assert_int_equal(fw_a1, 1);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_wa2_never_disables),
	};

	return cmocka_run_group_tests_name("spectre", tests, NULL, NULL);
}
