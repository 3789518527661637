/* SPDX-License-Identifier: MIT */
/* ESR_ELx decoding: field masks, class and fault names, the one-line description. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/esr.h"

static void test_masks(void **state)
{
	(void)state;
	assert_int_equal(ESR_ELx_EC, 0xfc000000ULL);
	assert_int_equal(ESR_ELx_IL, 0x02000000ULL);
	assert_int_equal(ESR_ELx_ISS, 0x01ffffffULL);
	assert_int_equal(ESR_ELx_SRT, 0x001f0000ULL);
	assert_int_equal(ESR_ELx_SAS, 0x00c00000ULL);
	assert_int_equal(ESR_ELx_DFSC, 0x3fULL);
	assert_int_equal(ESR_ELx_SYS64_OP0, 0x00300000ULL);
	assert_int_equal(ESR_ELx_SYS64_CRN, 0x00003c00ULL);
	assert_int_equal(ESR_ELx_SYS64_CRM, 0x0000001eULL);
	/* A classic: a 32-bit store of x8 to a translation fault at level 3, from EL1. */
	assert_int_equal(esr_ec(0x93880047ULL), ESR_ELx_EC_DABT_LOW);
	assert_true(esr_il32(0x93880047ULL));
	assert_int_equal(FIELD_GET(ESR_ELx_SRT, 0x93880047ULL), 8);
	assert_int_equal(FIELD_GET(ESR_ELx_WnR, 0x93880047ULL), 1);
	assert_int_equal(FIELD_GET(ESR_ELx_DFSC, 0x93880047ULL), 7);
	/* MRS x1, CNTPCT_EL0 is op0 3, op1 3, CRn 14, CRm 0, op2 1. */
	assert_int_equal(ESR_ELx_SYS64_REG(3, 3, 14, 0, 1), 0x0032f800ULL);
}

static void test_ec_names(void **state)
{
	(void)state;
	assert_string_equal(esr_ec_name(ESR_ELx_EC_DABT_LOW), "DABT_LOW (data abort from a lower EL)");
	assert_string_equal(esr_ec_name(ESR_ELx_EC_UNKNOWN), "UNKNOWN (unknown reason)");
	assert_string_equal(esr_ec_name(0x16), "HVC64 (HVC)");
	assert_string_equal(esr_ec_name(0x3c), "BRK64 (BRK instruction)");
	assert_string_equal(esr_ec_name(0x02), "reserved EC");
	assert_string_equal(esr_ec_name(0x3f), "reserved EC");
	assert_string_equal(esr_ec_name(64), "reserved EC");
	assert_string_equal(esr_ec_name(0xffffffffU), "reserved EC");
	/* Every allocated class has a name starting with its constant's suffix. */
	const struct { u32 ec; const char *name; } all[] = {
		{ ESR_ELx_EC_WFx, "WFx" }, { ESR_ELx_EC_SVC64, "SVC64" }, { ESR_ELx_EC_SMC64, "SMC64" },
		{ ESR_ELx_EC_SYS64, "SYS64" }, { ESR_ELx_EC_SVE, "SVE" }, { ESR_ELx_EC_ERET, "ERET" },
		{ ESR_ELx_EC_IABT_LOW, "IABT_LOW" }, { ESR_ELx_EC_IABT_CUR, "IABT_CUR" },
		{ ESR_ELx_EC_PC_ALIGN, "PC_ALIGN" }, { ESR_ELx_EC_DABT_CUR, "DABT_CUR" },
		{ ESR_ELx_EC_SP_ALIGN, "SP_ALIGN" }, { ESR_ELx_EC_FP_EXC64, "FP_EXC64" },
		{ ESR_ELx_EC_SERROR, "SERROR" }, { ESR_ELx_EC_BREAKPT_LOW, "BREAKPT_LOW" },
		{ ESR_ELx_EC_SOFTSTP_LOW, "SOFTSTP_LOW" }, { ESR_ELx_EC_WATCHPT_CUR, "WATCHPT_CUR" },
		{ ESR_ELx_EC_FP_ASIMD, "FP_ASIMD" }, { ESR_ELx_EC_ILL, "ILL" },
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_int_equal(strncmp(esr_ec_name(all[i].ec), all[i].name, strlen(all[i].name)), 0);
}

static void test_fsc_names(void **state)
{
	(void)state;
	assert_string_equal(esr_fsc_name(0x07), "translation fault, level 3");
	assert_string_equal(esr_fsc_name(0x04), "translation fault, level 0");
	assert_string_equal(esr_fsc_name(0x2b), "translation fault, level -1");
	assert_string_equal(esr_fsc_name(0x09), "access flag fault, level 1");
	assert_string_equal(esr_fsc_name(0x0f), "permission fault, level 3");
	assert_string_equal(esr_fsc_name(0x02), "address size fault, level 2");
	assert_string_equal(esr_fsc_name(ESR_ELx_FSC_EXTABT), "synchronous external abort");
	assert_string_equal(esr_fsc_name(ESR_ELx_FSC_ALIGN), "alignment fault");
	assert_string_equal(esr_fsc_name(ESR_ELx_FSC_TLB_CONFLICT), "TLB conflict abort");
	assert_string_equal(esr_fsc_name(0x15), "synchronous external abort on table walk, level 1");
	assert_string_equal(esr_fsc_name(0x12), "reserved FSC");
	assert_string_equal(esr_fsc_name(0x3f), "reserved FSC");
	assert_string_equal(esr_fsc_name(1000), "reserved FSC");
}

static void test_describe_dabt(void **state)
{
	char buf[512];
	int n;

	(void)state;
	n = esr_describe(0x93880047ULL, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
			    "ESR 0x93880047: EC 0x24 DABT_LOW (data abort from a lower EL), IL 32-bit, "
			    "ISS 0x1880047: ISV 1 SAS 4 SSE 0 SRT 8 SF 0 AR 0 VNCR 0 FnV 0 EA 0 CM 0 "
			    "S1PTW 0 WnR 1 DFSC 0x07 (translation fault, level 3)");

	/* ISV 0: the access fields are not shown. */
	esr_describe(((u64)ESR_ELx_EC_DABT_CUR << 26) | ESR_ELx_IL | ESR_ELx_FSC_PERM | 3, buf,
		     sizeof(buf));
	assert_non_null(strstr(buf, "DABT_CUR"));
	assert_non_null(strstr(buf, "ISV 0 VNCR 0"));
	assert_null(strstr(buf, "SRT"));
	assert_non_null(strstr(buf, "DFSC 0x0f (permission fault, level 3)"));
}

static void test_describe_others(void **state)
{
	char buf[512];

	(void)state;
	/* Instruction abort, stage-2 fault on a stage-1 walk. */
	esr_describe(((u64)ESR_ELx_EC_IABT_LOW << 26) | ESR_ELx_IL | ESR_ELx_S1PTW | 0x06, buf,
		     sizeof(buf));
	assert_non_null(strstr(buf, "IABT_LOW"));
	assert_non_null(strstr(buf, "S1PTW 1 IFSC 0x06 (translation fault, level 2)"));
	assert_null(strstr(buf, "WnR"));

	/* MRS x1, CNTPCT_EL0 trapped. */
	esr_describe(((u64)ESR_ELx_EC_SYS64 << 26) | ESR_ELx_IL | ESR_ELx_SYS64_REG(3, 3, 14, 0, 1) |
			     FIELD_PREP(ESR_ELx_SYS64_RT, 1) | ESR_ELx_SYS64_DIR,
		     buf, sizeof(buf));
	assert_non_null(strstr(buf, "SYS64"));
	assert_non_null(strstr(buf, "Op0 3 Op1 3 CRn 14 CRm 0 Op2 1 Rt 1 read (MRS)"));

	esr_describe(((u64)ESR_ELx_EC_HVC64 << 26) | ESR_ELx_IL | 0x1234, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HVC64 (HVC), IL 32-bit, ISS 0x0001234: imm16 0x1234"));

	esr_describe(((u64)ESR_ELx_EC_WFx << 26) | ESR_ELx_IL | 1, buf, sizeof(buf));
	assert_non_null(strstr(buf, "TI WFE"));

	esr_describe(((u64)ESR_ELx_EC_BRK64 << 26) | ESR_ELx_IL | 0x800, buf, sizeof(buf));
	assert_non_null(strstr(buf, "comment 0x0800"));

	esr_describe(((u64)ESR_ELx_EC_SERROR << 26) | ESR_ELx_IL | 0x11, buf, sizeof(buf));
	assert_non_null(strstr(buf, "DFSC 0x11 (asynchronous SError)"));

	/* A class with no decoded fields ends after the raw ISS; no dangling ':'. */
	esr_describe(((u64)ESR_ELx_EC_ILL << 26) | ESR_ELx_IL, buf, sizeof(buf));
	assert_string_equal(buf, "ESR 0x3a000000: EC 0x0e ILL (illegal execution state), IL 32-bit, "
				 "ISS 0x0000000");
	/* Reserved class, 16-bit instruction, ISS2 set. */
	esr_describe((1ULL << 32) | ((u64)0x3f << 26) | 0x5, buf, sizeof(buf));
	assert_string_equal(buf, "ESR 0x1fc000005: EC 0x3f reserved EC, IL 16-bit, ISS 0x0000005, "
				 "ISS2 0x1");
}

static void test_describe_truncates(void **state)
{
	char full[512], small[40];
	int n, m;

	(void)state;
	n = esr_describe(0x93880047ULL, full, sizeof(full));
	memset(small, 'X', sizeof(small));
	m = esr_describe(0x93880047ULL, small, sizeof(small));
	assert_int_equal(m, n);	/* snprintf semantics: the full length */
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	assert_int_equal(esr_describe(0x93880047ULL, NULL, 0), n);
	/* No crash for any value. */
	for (u64 ec = 0; ec < 64; ec++)
		for (u64 iss = 0; iss < (1 << 25); iss += 0x12345)
			assert_true(esr_describe((ec << 26) | iss, full, sizeof(full)) < (int)sizeof(full));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_ec_names),
		cmocka_unit_test(test_fsc_names),
		cmocka_unit_test(test_describe_dabt),
		cmocka_unit_test(test_describe_others),
		cmocka_unit_test(test_describe_truncates),
	};

	return cmocka_run_group_tests_name("esr", tests, NULL, NULL);
}
