/* SPDX-License-Identifier: MIT */
/*
 * TLBI decoding and operand sanitising (emul/tlbi.c). The instruction
 * words below were produced by `llvm-mc-14 --triple=aarch64
 * -mattr=+tlb-rmi,+xs,+v8.4a -show-encoding` from "tlbi NAME, x3", so the
 * encodings come from the assembler, not from the decoder's own tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/esr.h"
#include "emul/tlbi.h"
#include "lib/bitfield.h"
#include "lib/err.h"

static const struct {
	u32 insn;
	const char *name;
} known[] = {
	{ 0xd508871f, "vmalle1" },
	{ 0xd508971f, "vmalle1nxs" },
	{ 0xd508831f, "vmalle1is" },
	{ 0xd508931f, "vmalle1isnxs" },
	{ 0xd508811f, "vmalle1os" },
	{ 0xd508911f, "vmalle1osnxs" },
	{ 0xd5088723, "vae1" },
	{ 0xd5089723, "vae1nxs" },
	{ 0xd5088323, "vae1is" },
	{ 0xd5089323, "vae1isnxs" },
	{ 0xd5088123, "vae1os" },
	{ 0xd5089123, "vae1osnxs" },
	{ 0xd5088743, "aside1" },
	{ 0xd5089743, "aside1nxs" },
	{ 0xd5088343, "aside1is" },
	{ 0xd5089343, "aside1isnxs" },
	{ 0xd5088143, "aside1os" },
	{ 0xd5089143, "aside1osnxs" },
	{ 0xd5088763, "vaae1" },
	{ 0xd5089763, "vaae1nxs" },
	{ 0xd5088363, "vaae1is" },
	{ 0xd5089363, "vaae1isnxs" },
	{ 0xd5088163, "vaae1os" },
	{ 0xd5089163, "vaae1osnxs" },
	{ 0xd50887a3, "vale1" },
	{ 0xd50897a3, "vale1nxs" },
	{ 0xd50883a3, "vale1is" },
	{ 0xd50893a3, "vale1isnxs" },
	{ 0xd50881a3, "vale1os" },
	{ 0xd50891a3, "vale1osnxs" },
	{ 0xd50887e3, "vaale1" },
	{ 0xd50897e3, "vaale1nxs" },
	{ 0xd50883e3, "vaale1is" },
	{ 0xd50893e3, "vaale1isnxs" },
	{ 0xd50881e3, "vaale1os" },
	{ 0xd50891e3, "vaale1osnxs" },
	{ 0xd5088623, "rvae1" },
	{ 0xd5089623, "rvae1nxs" },
	{ 0xd5088223, "rvae1is" },
	{ 0xd5089223, "rvae1isnxs" },
	{ 0xd5088523, "rvae1os" },
	{ 0xd5089523, "rvae1osnxs" },
	{ 0xd5088663, "rvaae1" },
	{ 0xd5089663, "rvaae1nxs" },
	{ 0xd5088263, "rvaae1is" },
	{ 0xd5089263, "rvaae1isnxs" },
	{ 0xd5088563, "rvaae1os" },
	{ 0xd5089563, "rvaae1osnxs" },
	{ 0xd50886a3, "rvale1" },
	{ 0xd50896a3, "rvale1nxs" },
	{ 0xd50882a3, "rvale1is" },
	{ 0xd50892a3, "rvale1isnxs" },
	{ 0xd50885a3, "rvale1os" },
	{ 0xd50895a3, "rvale1osnxs" },
	{ 0xd50886e3, "rvaale1" },
	{ 0xd50896e3, "rvaale1nxs" },
	{ 0xd50882e3, "rvaale1is" },
	{ 0xd50892e3, "rvaale1isnxs" },
	{ 0xd50885e3, "rvaale1os" },
	{ 0xd50895e3, "rvaale1osnxs" },
};

static const struct tlbi_features all_features = { .os = true, .range = true, .ttl = true,
						   .xs = true, .asid16 = true };
static const struct tlbi_features no_features;

/* The ESR_ELx ISS encoding of a SYS instruction word (A64 "System instructions" class). */
static u32 sys_enc(u32 insn)
{
	u32 op0 = ((insn >> 19) & 3), op1 = (insn >> 16) & 7, crn = (insn >> 12) & 15;
	u32 crm = (insn >> 8) & 15, op2 = (insn >> 5) & 7;

	return (u32)ESR_ELx_SYS64_REG(op0, op1, crn, crm, op2);
}

static void insn_name(const struct tlbi_insn *t, char *buf, size_t len)
{
	static const char *const shr[] = { "", "is", "os" };

	snprintf(buf, len, "%s%s%s", tlbi_op_info[t->op].name, shr[t->shr], t->nxs ? "nxs" : "");
}

/* Every EL1 TLBI the assembler knows decodes to its own name, and encodes back. */
static void test_decode_every_form(void **state)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct tlbi_insn t;
		char name[32];
		u32 crn, crm, op2, enc = sys_enc(known[i].insn);

		assert_int_equal(tlbi_decode(enc, &all_features, &t), 0);
		insn_name(&t, name, sizeof(name));
		assert_string_equal(name, known[i].name);
		tlbi_encode(&t, &crn, &crm, &op2);
		assert_int_equal(ESR_ELx_SYS64_REG(1, 0, crn, crm, op2), enc);
	}
}

/* Nothing else in the whole SYS space (op0 = 1) is taken for a TLBI. */
static void test_decode_nothing_else(void **state)
{
	unsigned ok = 0;

	for (u32 op1 = 0; op1 < 8; op1++)
		for (u32 crn = 0; crn < 16; crn++)
			for (u32 crm = 0; crm < 16; crm++)
				for (u32 op2 = 0; op2 < 8; op2++) {
					u32 enc = (u32)ESR_ELx_SYS64_REG(1, op1, crn, crm, op2);
					struct tlbi_insn t;
					bool listed = false;
					int rc = tlbi_decode(enc, &all_features, &t);

					for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
						listed |= sys_enc(known[i].insn) == enc;
					assert_int_equal(rc, listed ? 0 : -EINVAL);
					ok += rc == 0;
				}
	assert_int_equal(ok, sizeof(known) / sizeof(known[0]));
	/* op0 other than 1 (MSR/MRS space) with TLBI's other fields. */
	for (u32 op0 = 0; op0 < 4; op0++) {
		struct tlbi_insn t;

		if (op0 != 1)
			assert_int_equal(tlbi_decode((u32)ESR_ELx_SYS64_REG(op0, 0, 8, 3, 0), &all_features, &t),
					 -EINVAL);
	}
}

/* Each form needs its feature: OS forms FEAT_TLBIOS, range forms FEAT_TLBIRANGE, nXS FEAT_XS. */
static void test_decode_unadvertised(void **state)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *n = known[i].name;
		size_t len = strlen(n);
		bool nxs = len > 3 && !strcmp(n + len - 3, "nxs");
		bool os = strstr(n, "os") != NULL;
		bool range = n[0] == 'r';
		struct tlbi_features f = all_features;
		struct tlbi_insn t;
		u32 enc = sys_enc(known[i].insn);

		assert_int_equal(tlbi_decode(enc, &no_features, &t), (nxs || os || range) ? -ENOTSUP : 0);
		f.os = false;
		assert_int_equal(tlbi_decode(enc, &f, &t), os ? -ENOTSUP : 0);
		f = all_features;
		f.range = false;
		assert_int_equal(tlbi_decode(enc, &f, &t), range ? -ENOTSUP : 0);
		f = all_features;
		f.xs = false;
		assert_int_equal(tlbi_decode(enc, &f, &t), nxs ? -ENOTSUP : 0);
		/* TTL and ASID width shape operands, never whether a form exists. */
		f = all_features;
		f.ttl = f.asid16 = false;
		assert_int_equal(tlbi_decode(enc, &f, &t), 0);
	}
}

static void test_features_from_id(void **state)
{
	struct tlbi_features f;

	tlbi_features_from_id(&f, 0, 0, 0, 0, ~0ULL);
	assert_false(f.os || f.range || f.xs || f.ttl || f.asid16);
	tlbi_features_from_id(&f, FIELD_PREP(ID_AA64ISAR0_EL1_TLB, 1), 0, 0, 0, 0);
	assert_true(f.os);
	assert_false(f.range);
	tlbi_features_from_id(&f, FIELD_PREP(ID_AA64ISAR0_EL1_TLB, 2),
			      FIELD_PREP(ID_AA64ISAR1_EL1_XS, 1), FIELD_PREP(ID_AA64MMFR0_EL1_ASIDBITS, 2),
			      FIELD_PREP(ID_AA64MMFR2_EL1_TTL, 1), 0);
	assert_true(f.os && f.range && f.xs && f.ttl);
	assert_false(f.asid16);		/* TCR_EL1.AS = 0: 8-bit ASIDs */
	tlbi_features_from_id(&f, 0, 0, FIELD_PREP(ID_AA64MMFR0_EL1_ASIDBITS, 2), 0, TCR_EL1_AS);
	assert_true(f.asid16);
	/* AS set on a CPU with 8-bit ASIDs is RES0: still 8 bits. */
	tlbi_features_from_id(&f, 0, 0, 0, 0, TCR_EL1_AS);
	assert_false(f.asid16);
}

static u64 sanitise(enum tlbi_op op, const struct tlbi_features *f, u64 operand, struct tlbi_insn *r)
{
	struct tlbi_insn t = { .op = op, .shr = TLBI_SHR_IS, .nxs = true };

	return tlbi_sanitise(&t, f, operand, r);
}

/* Whatever the operand (all ones: every RES0 bit set), nothing outside the op's fields survives. */
static void test_sanitise_all_ones(void **state)
{
	static const u64 allowed[TLBI_OP_NR] = {
		[TLBI_VMALLE1] = 0,
		[TLBI_VAE1] = TLBI_VA_ASID | TLBI_VA_TTL | TLBI_VA_VA,
		[TLBI_ASIDE1] = TLBI_VA_ASID,
		[TLBI_VAAE1] = TLBI_VA_TTL | TLBI_VA_VA,
		[TLBI_VALE1] = TLBI_VA_ASID | TLBI_VA_TTL | TLBI_VA_VA,
		[TLBI_VAALE1] = TLBI_VA_TTL | TLBI_VA_VA,
		[TLBI_RVAE1] = ~0ULL,
		[TLBI_RVAAE1] = GENMASK(47, 0),
		[TLBI_RVALE1] = ~0ULL,
		[TLBI_RVAALE1] = GENMASK(47, 0),
	};

	for (int op = 0; op < TLBI_OP_NR; op++) {
		struct tlbi_insn r;
		u64 got = sanitise(op, &all_features, ~0ULL, &r);

		assert_int_equal(got, allowed[op]);
		assert_int_equal(r.op, op);
		assert_int_equal(r.shr, TLBI_SHR_IS);
		assert_true(r.nxs);
	}
}

static void test_sanitise_asid_width(void **state)
{
	struct tlbi_features f8 = all_features;
	struct tlbi_insn r;
	u64 op = 0xabcdULL << 48 | 0x123;

	f8.asid16 = false;
	assert_int_equal(sanitise(TLBI_ASIDE1, &all_features, op, &r), 0xabcdULL << 48);
	assert_int_equal(sanitise(TLBI_ASIDE1, &f8, op, &r), 0xcdULL << 48);
	assert_int_equal(sanitise(TLBI_VAE1, &f8, op, &r), 0xcdULL << 48 | 0x123);
	assert_int_equal(sanitise(TLBI_VALE1, &f8, op, &r), 0xcdULL << 48 | 0x123);
	assert_int_equal(sanitise(TLBI_RVAE1, &f8, op | FIELD_PREP(TLBI_RANGE_TG, 1), &r),
			 0xcdULL << 48 | FIELD_PREP(TLBI_RANGE_TG, 1) | 0x123);
	/* The all-ASID forms carry no ASID at all. */
	assert_int_equal(sanitise(TLBI_VAAE1, &all_features, op, &r), 0x123);
	assert_int_equal(sanitise(TLBI_VAALE1, &all_features, op, &r), 0x123);
	assert_int_equal(sanitise(TLBI_RVAAE1, &all_features, op | FIELD_PREP(TLBI_RANGE_TG, 3), &r),
			 FIELD_PREP(TLBI_RANGE_TG, 3) | 0x123);
	/* VMALLE1 ignores its operand entirely. */
	assert_int_equal(sanitise(TLBI_VMALLE1, &all_features, op, &r), 0);
}

/* FEAT_TTL hints: kept when valid, cleared without the feature or when reserved. */
static void test_sanitise_ttl(void **state)
{
	struct tlbi_features nottl = all_features;
	static const struct { u64 ttl; bool keep; } cases[] = {
		{ 0x0, true }, { 0x1, false }, { 0x3, false },		/* TG 0: no information */
		{ 0x4, false }, { 0x5, true }, { 0x6, true }, { 0x7, true },	/* 4K: level 0 reserved */
		{ 0x8, false }, { 0x9, false }, { 0xa, true }, { 0xb, true },	/* 16K: levels 0, 1 */
		{ 0xc, false }, { 0xd, true }, { 0xe, true }, { 0xf, true },	/* 64K: level 0 */
	};

	nottl.ttl = false;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int op = TLBI_VAE1; op <= TLBI_VAALE1; op++) {
			struct tlbi_insn r;
			u64 in = FIELD_PREP(TLBI_VA_TTL, cases[i].ttl) | 0x40000;

			if (op == TLBI_ASIDE1)
				continue;
			assert_int_equal(sanitise(op, &all_features, in, &r),
					 cases[i].keep ? in : 0x40000);
			assert_int_equal(sanitise(op, &nottl, in, &r), 0x40000);
		}
	}
}

/* Range operands: every field kept; the reserved TG 0 becomes VMALLE1, same shareability and nXS. */
static void test_sanitise_range(void **state)
{
	u64 in = 5ULL << 48 | FIELD_PREP(TLBI_RANGE_TG, 1) | FIELD_PREP(TLBI_RANGE_SCALE, 3) |
		 FIELD_PREP(TLBI_RANGE_NUM, 31) | FIELD_PREP(TLBI_RANGE_TTL, 2) |
		 FIELD_PREP(TLBI_RANGE_BADDR, 0x1234567);

	for (int op = TLBI_RVAE1; op <= TLBI_RVAALE1; op++) {
		for (int shr = TLBI_SHR_NSH; shr <= TLBI_SHR_OS; shr++) {
			struct tlbi_insn t = { .op = op, .shr = shr, .nxs = shr == TLBI_SHR_OS }, r;
			bool vaa = tlbi_op_info[op].scope == TLBI_SCOPE_VAA;

			assert_int_equal(tlbi_sanitise(&t, &all_features, in, &r),
					 vaa ? in & ~TLBI_RANGE_ASID : in);
			assert_memory_equal(&r, &t, sizeof(t));
			assert_int_equal(tlbi_sanitise(&t, &all_features, in & ~TLBI_RANGE_TG, &r), 0);
			assert_int_equal(r.op, TLBI_VMALLE1);
			assert_int_equal(r.shr, shr);
			assert_int_equal(r.nxs, t.nxs);
		}
	}
}

/* The VA field passes untouched: the top byte (TBI) is not in it, the granule is the TLB's business. */
static void test_sanitise_va_untouched(void **state)
{
	static const u64 vas[] = { 0, 1, 0xf, 0x8000000000ULL, TLBI_VA_VA, 0x0ffffffff000ULL >> 12 };

	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		struct tlbi_insn r;

		assert_int_equal(sanitise(TLBI_VAE1, &no_features, vas[i], &r), vas[i]);
		assert_int_equal(sanitise(TLBI_VAALE1, &no_features, vas[i], &r), vas[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_every_form),
		cmocka_unit_test(test_decode_nothing_else),
		cmocka_unit_test(test_decode_unadvertised),
		cmocka_unit_test(test_features_from_id),
		cmocka_unit_test(test_sanitise_all_ones),
		cmocka_unit_test(test_sanitise_asid_width),
		cmocka_unit_test(test_sanitise_ttl),
		cmocka_unit_test(test_sanitise_range),
		cmocka_unit_test(test_sanitise_va_untouched),
	};
	return cmocka_run_group_tests_name("tlbi", tests, NULL, NULL);
}
