/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO (src/emul/mmio.c): data-abort ISS decoding, the value a
 * load leaves in its register (sign extension, SF), the region bus; and the
 * test device's register map (src/emul/testdev.c, include/moat/hypercall.h).
 * Syndromes are written as literals decoded by hand beside them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "moat/hypercall.h"
#include "emul/mmio.h"
#include "emul/testdev.h"
#include "lib/err.h"

/* ---- ISS decoding ---- */

static void test_decode_iss(void **state)
{
	struct mmio_access a;

	(void)state;
	/* STR w8: EC 0x24, IL, ISV, SAS 2, SRT 8, WnR, DFSC 7. */
	memset(&a, 0xff, sizeof(a));
	assert_int_equal(mmio_decode_iss(0x93880047ULL, &a), 0);
	assert_int_equal(a.size, 4);
	assert_int_equal(a.rt, 8);
	assert_true(a.write);
	assert_false(a.sign_extend);
	assert_false(a.sf);

	/* LDR x3: ISV, SAS 3, SRT 3, SF. */
	memset(&a, 0xff, sizeof(a));
	assert_int_equal(mmio_decode_iss(0x93c38007ULL, &a), 0);
	assert_int_equal(a.size, 8);
	assert_int_equal(a.rt, 3);
	assert_false(a.write);
	assert_false(a.sign_extend);
	assert_true(a.sf);

	/* LDRSB x30: ISV, SAS 0, SSE (bit 21), SRT 30, SF. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(mmio_decode_iss(0x933e8007ULL, &a), 0);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.rt, 30);
	assert_false(a.write);
	assert_true(a.sign_extend);
	assert_true(a.sf);

	/* LDRSH w2: ISV, SAS 1 (bit 22), SSE, SRT 2, no SF. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(mmio_decode_iss(0x93620007ULL, &a), 0);
	assert_int_equal(a.size, 2);
	assert_int_equal(a.rt, 2);
	assert_true(a.sign_extend);
	assert_false(a.sf);

	/* STRB wzr: ISV, SAS 0, SRT 31, WnR. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(mmio_decode_iss(0x931f0047ULL, &a), 0);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.rt, 31);
	assert_true(a.write);
}

static void test_decode_isv0(void **state)
{
	struct mmio_access a, before;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	before = a;
	/* LDP/post-index: ISV 0, everything else set as if it meant something. */
	assert_int_equal(mmio_decode_iss(0x92ff8047ULL, &a), -EINVAL);
	assert_int_equal(memcmp(&a, &before, sizeof(a)), 0);
	assert_int_equal(mmio_decode_iss(0, &a), -EINVAL);
}

/* ---- Load results ---- */

static u64 load(u32 size, bool sse, bool sf, u64 data)
{
	struct mmio_access a = { .size = size, .rt = 0, .write = false, .sign_extend = sse, .sf = sf };

	return mmio_load_result(&a, data);
}

static void test_load_zero_extend(void **state)
{
	(void)state;
	/* LDRB/LDRH/LDR w: only the accessed bytes, upper bits zero, even if the device returned junk. */
	assert_int_equal(load(1, false, false, 0xfedcba9876543280ULL), 0x80);
	assert_int_equal(load(2, false, false, 0xfedcba9876548001ULL), 0x8001);
	assert_int_equal(load(4, false, false, 0xfedcba9880000001ULL), 0x80000001ULL);
	assert_int_equal(load(8, false, true, 0xfedcba9876543210ULL), 0xfedcba9876543210ULL);
	/* SF = 1 without SSE (not produced by real loads of < 8 bytes, but well-defined). */
	assert_int_equal(load(4, false, true, 0xffffffff80000000ULL), 0x80000000ULL);
}

static void test_load_sign_extend(void **state)
{
	(void)state;
	/* LDRSB x: 0x80 -> all ones above bit 7. */
	assert_int_equal(load(1, true, true, 0x80), 0xffffffffffffff80ULL);
	/* LDRSB w: to 32 bits, upper half zero. */
	assert_int_equal(load(1, true, false, 0x80), 0x00000000ffffff80ULL);
	/* Positive byte: nothing changes. */
	assert_int_equal(load(1, true, true, 0x7f), 0x7f);
	assert_int_equal(load(1, true, false, 0x7f), 0x7f);
	/* The sign is bit 7 of the accessed byte, not of junk above it. */
	assert_int_equal(load(1, true, true, 0xff7fULL), 0x7f);
	assert_int_equal(load(1, true, true, 0x0180ULL), 0xffffffffffffff80ULL);
	/* LDRSH x / w. */
	assert_int_equal(load(2, true, true, 0x8000), 0xffffffffffff8000ULL);
	assert_int_equal(load(2, true, false, 0x8000), 0x00000000ffff8000ULL);
	assert_int_equal(load(2, true, true, 0x7fff), 0x7fff);
	assert_int_equal(load(2, true, true, 0x12348765ULL), 0xffffffffffff8765ULL);
	/* LDRSW x. */
	assert_int_equal(load(4, true, true, 0x80000000ULL), 0xffffffff80000000ULL);
	assert_int_equal(load(4, true, true, 0x7fffffffULL), 0x7fffffffULL);
	assert_int_equal(load(4, true, true, 0x1234567887654321ULL), 0xffffffff87654321ULL);
	/* The test device's NEG value 0x8899aabbccddeeff, every size, both widths. */
	assert_int_equal(load(1, true, true, 0x8899aabbccddeeffULL), 0xffffffffffffffffULL);
	assert_int_equal(load(1, true, false, 0x8899aabbccddeeffULL), 0x00000000ffffffffULL);
	assert_int_equal(load(2, true, true, 0x8899aabbccddeeffULL), 0xffffffffffffeeffULL);
	assert_int_equal(load(2, true, false, 0x8899aabbccddeeffULL), 0x00000000ffffeeffULL);
	assert_int_equal(load(4, true, true, 0x8899aabbccddeeffULL), 0xffffffffccddeeffULL);
	assert_int_equal(load(4, true, false, 0x8899aabbccddeeffULL), 0x00000000ccddeeffULL);
	assert_int_equal(load(8, false, true, 0x8899aabbccddeeffULL), 0x8899aabbccddeeffULL);
}

static void test_load_sf0_truncates(void **state)
{
	(void)state;
	/* A W-register destination never gets bits above 31. */
	assert_int_equal(load(8, false, false, 0xfedcba9876543210ULL), 0x76543210ULL);
	assert_int_equal(load(4, true, false, 0xffffffffffffffffULL), 0xffffffffULL);
	assert_int_equal(load(2, true, false, 0xffffULL), 0xffffffffULL);
}

/* ---- The bus ---- */

static const struct mmio_ops dummy_ops;

static void test_bus_add_sorted(void **state)
{
	struct mmio_bus bus;
	int tag[4];

	(void)state;
	memset(&bus, 0, sizeof(bus));
	assert_int_equal(mmio_bus_add(&bus, 0x9000000, 0x1000, &dummy_ops, &tag[0], "c", 0), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x8000000, 0x10000, &dummy_ops, &tag[1], "a", 0), 0);
	assert_int_equal(mmio_bus_add(&bus, 0xa000000, 0x200, &dummy_ops, &tag[2], "d", 0), 0);
	/* Exactly between a and c, touching both. */
	assert_int_equal(mmio_bus_add(&bus, 0x8010000, 0xff0000, &dummy_ops, &tag[3], "b", 0), 0);
	assert_int_equal(bus.nr, 4);
	assert_int_equal(bus.r[0].base, 0x8000000);
	assert_int_equal(bus.r[1].base, 0x8010000);
	assert_int_equal(bus.r[2].base, 0x9000000);
	assert_int_equal(bus.r[3].base, 0xa000000);
	assert_string_equal(bus.r[0].name, "a");
	assert_string_equal(bus.r[1].name, "b");
	assert_string_equal(bus.r[2].name, "c");
	assert_string_equal(bus.r[3].name, "d");
	assert_ptr_equal(bus.r[0].priv, &tag[1]);
	assert_ptr_equal(bus.r[1].priv, &tag[3]);
	assert_ptr_equal(bus.r[2].priv, &tag[0]);
	assert_ptr_equal(bus.r[3].priv, &tag[2]);
	assert_int_equal(bus.r[1].size, 0xff0000);
	assert_ptr_equal(bus.r[1].ops, &dummy_ops);
}

static void test_bus_add_errors(void **state)
{
	struct mmio_bus bus;

	(void)state;
	memset(&bus, 0, sizeof(bus));
	assert_int_equal(mmio_bus_add(&bus, 0x10000, 0x1000, &dummy_ops, NULL, "x", 0), 0);
	/* Overlaps: same, inside, straddling either edge, covering. */
	assert_int_equal(mmio_bus_add(&bus, 0x10000, 0x1000, &dummy_ops, NULL, "y", 0), -EEXIST);
	assert_int_equal(mmio_bus_add(&bus, 0x10800, 0x10, &dummy_ops, NULL, "y", 0), -EEXIST);
	assert_int_equal(mmio_bus_add(&bus, 0xf000, 0x1001, &dummy_ops, NULL, "y", 0), -EEXIST);
	assert_int_equal(mmio_bus_add(&bus, 0x10fff, 0x2, &dummy_ops, NULL, "y", 0), -EEXIST);
	assert_int_equal(mmio_bus_add(&bus, 0x0, 0x100000, &dummy_ops, NULL, "y", 0), -EEXIST);
	/* Zero size, wrapping past 2^64. */
	assert_int_equal(mmio_bus_add(&bus, 0x20000, 0, &dummy_ops, NULL, "y", 0), -EINVAL);
	assert_int_equal(mmio_bus_add(&bus, 0xfffffffffffff000ULL, 0x2000, &dummy_ops, NULL, "y", 0),
			 -EINVAL);
	assert_int_equal(bus.nr, 1);
	/* Adjacent on both sides is fine. */
	assert_int_equal(mmio_bus_add(&bus, 0xf000, 0x1000, &dummy_ops, NULL, "lo", 0), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x11000, 0x1000, &dummy_ops, NULL, "hi", 0), 0);
	assert_int_equal(bus.nr, 3);
}

static void test_bus_full(void **state)
{
	struct mmio_bus bus;

	(void)state;
	memset(&bus, 0, sizeof(bus));
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++)
		assert_int_equal(mmio_bus_add(&bus, 0x100000 * (i + 1), 0x1000, &dummy_ops, NULL, "r", 0), 0);
	assert_int_equal(bus.nr, MMIO_MAX_REGIONS);
	assert_int_equal(mmio_bus_add(&bus, 0x100000000ULL, 0x1000, &dummy_ops, NULL, "r", 0), -ENOSPC);
	assert_int_equal(bus.nr, MMIO_MAX_REGIONS);
	/* Nothing was overwritten. */
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++)
		assert_int_equal(bus.r[i].base, 0x100000 * (i + 1));
}

static void test_bus_find_edges(void **state)
{
	struct mmio_bus bus;
	const struct mmio_region *r;

	(void)state;
	memset(&bus, 0, sizeof(bus));
	assert_null(mmio_bus_find(&bus, 0));
	assert_null(mmio_bus_find(&bus, 0x8000000));
	assert_int_equal(mmio_bus_add(&bus, 0x8000000, 0x10000, &dummy_ops, NULL, "gicd", 0), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x9000000, 0x1000, &dummy_ops, NULL, "uart", 0), 0);

	r = mmio_bus_find(&bus, 0x8000000);
	assert_non_null(r);
	assert_string_equal(r->name, "gicd");
	r = mmio_bus_find(&bus, 0x800ffff);
	assert_non_null(r);
	assert_string_equal(r->name, "gicd");
	assert_null(mmio_bus_find(&bus, 0x7ffffff));
	assert_null(mmio_bus_find(&bus, 0x8010000));
	assert_null(mmio_bus_find(&bus, 0x8800000));	/* between */
	assert_null(mmio_bus_find(&bus, 0x8ffffff));
	r = mmio_bus_find(&bus, 0x9000000);
	assert_non_null(r);
	assert_string_equal(r->name, "uart");
	r = mmio_bus_find(&bus, 0x9000fff);
	assert_non_null(r);
	assert_string_equal(r->name, "uart");
	assert_null(mmio_bus_find(&bus, 0x9001000));
	assert_null(mmio_bus_find(&bus, ~0ULL));
	assert_null(mmio_bus_find(&bus, 0));
}

/* A region that ends exactly at 2^64 (base + size == 0 would be a wrap; size reaching the top is not). */
static void test_bus_top_of_space(void **state)
{
	struct mmio_bus bus;
	const struct mmio_region *r;

	(void)state;
	memset(&bus, 0, sizeof(bus));
	assert_int_equal(mmio_bus_add(&bus, 0xfffffffffffff000ULL, 0xfff, &dummy_ops, NULL, "top", 0), 0);
	r = mmio_bus_find(&bus, 0xfffffffffffffffeULL);
	assert_non_null(r);
	assert_null(mmio_bus_find(&bus, 0xffffffffffffffffULL));
	assert_null(mmio_bus_find(&bus, 0xffffffffffffefffULL));
}

/* Sixteen regions of different sizes added in a scrambled order; every byte class checked. */
static void test_bus_find_many(void **state)
{
	static const char *const names[MMIO_MAX_REGIONS] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	struct mmio_bus bus;
	u64 base[MMIO_MAX_REGIONS], size[MMIO_MAX_REGIONS];

	(void)state;
	memset(&bus, 0, sizeof(bus));
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++) {
		base[i] = 0x10000000ULL + 0x100000ULL * i;
		size[i] = 0x1000ULL * (i + 1);	/* gaps in between */
	}
	/* 7 is coprime with 16: visits every index once. */
	for (unsigned int k = 0; k < MMIO_MAX_REGIONS; k++) {
		unsigned int i = (k * 7 + 3) % MMIO_MAX_REGIONS;

		assert_int_equal(mmio_bus_add(&bus, base[i], size[i], &dummy_ops, NULL, names[i], 0), 0);
	}
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++) {
		const struct mmio_region *r;

		assert_int_equal(bus.r[i].base, base[i]);
		r = mmio_bus_find(&bus, base[i]);
		assert_non_null(r);
		assert_string_equal(r->name, names[i]);
		r = mmio_bus_find(&bus, base[i] + size[i] / 2);
		assert_non_null(r);
		assert_string_equal(r->name, names[i]);
		r = mmio_bus_find(&bus, base[i] + size[i] - 1);
		assert_non_null(r);
		assert_string_equal(r->name, names[i]);
		assert_null(mmio_bus_find(&bus, base[i] + size[i]));
		assert_null(mmio_bus_find(&bus, base[i] - 1));
	}
	assert_null(mmio_bus_find(&bus, 0));
	assert_null(mmio_bus_find(&bus, 0x20000000ULL));
}

/* ---- The test device ---- */

static u64 td_read(struct testdev *t, u64 off, u32 size)
{
	u64 v = 0xcccccccccccccccc;

	assert_int_equal(testdev_ops.read(t, off, size, &v), 0);
	return v;
}

static void td_write(struct testdev *t, u64 off, u32 size, u64 v)
{
	assert_int_equal(testdev_ops.write(t, off, size, v), 0);
}

static void test_testdev_magic_neg(void **state)
{
	struct testdev t = { 0 };

	(void)state;
	/* "moat_tdv" read as a little-endian u64. */
	assert_int_equal(td_read(&t, MOAT_TESTDEV_MAGIC, 8), 0x6d6f61745f746476ULL);
	assert_int_equal(td_read(&t, 0x008, 4), 0x5f746476ULL);
	assert_int_equal(td_read(&t, 0x008, 2), 0x6476);
	assert_int_equal(td_read(&t, 0x008, 1), 0x76);
	assert_int_equal(td_read(&t, 0x010, 8), 0x8899aabbccddeeffULL);
	assert_int_equal(td_read(&t, 0x010, 4), 0xccddeeffULL);
	assert_int_equal(td_read(&t, 0x010, 2), 0xeeff);
	assert_int_equal(td_read(&t, 0x010, 1), 0xff);
	/* Read-only: writes are ignored. */
	td_write(&t, 0x008, 8, 0);
	td_write(&t, 0x010, 8, 0);
	assert_int_equal(td_read(&t, 0x008, 8), 0x6d6f61745f746476ULL);
	assert_int_equal(td_read(&t, 0x010, 8), 0x8899aabbccddeeffULL);
	/* NEG through sign-extending loads, as the guest sees it (LDRSB/LDRSH w, LDRSW x). */
	assert_int_equal(load(1, true, false, td_read(&t, 0x010, 1)), 0xffffffffULL);
	assert_int_equal(load(2, true, false, td_read(&t, 0x010, 2)), 0xffffeeffULL);
	assert_int_equal(load(4, true, true, td_read(&t, 0x010, 4)), 0xffffffffccddeeffULL);
}

static void test_testdev_scratch(void **state)
{
	struct testdev t = { 0 };

	(void)state;
	assert_int_equal(td_read(&t, 0x000, 8), 0);
	td_write(&t, 0x000, 8, 0x0123456789abcdefULL);
	assert_int_equal(td_read(&t, 0x000, 8), 0x0123456789abcdefULL);
	assert_int_equal(td_read(&t, 0x000, 4), 0x89abcdefULL);
	assert_int_equal(td_read(&t, 0x000, 2), 0xcdef);
	assert_int_equal(td_read(&t, 0x000, 1), 0xef);
	/* A narrow store keeps only its own bytes of the value it was given. */
	td_write(&t, 0x000, 1, 0xffffffffffffffa5ULL);
	assert_int_equal(td_read(&t, 0x000, 1), 0xa5);
	td_write(&t, 0x000, 2, 0xffffffffffffbeefULL);
	assert_int_equal(td_read(&t, 0x000, 2), 0xbeef);
	td_write(&t, 0x000, 4, 0xffffffffdeadbeefULL);
	assert_int_equal(td_read(&t, 0x000, 4), 0xdeadbeefULL);
	assert_int_equal(t.scratch >> 32, 0);
	/* Storing xzr. */
	td_write(&t, 0x000, 8, 0);
	assert_int_equal(td_read(&t, 0x000, 8), 0);
}

static void test_testdev_count_and_unknown(void **state)
{
	struct testdev t = { 0 };

	(void)state;
	/* COUNT includes its own read. */
	assert_int_equal(td_read(&t, MOAT_TESTDEV_COUNT, 8), 1);
	(void)td_read(&t, 0x008, 8);
	(void)td_read(&t, 0x008, 8);
	td_write(&t, 0x000, 8, 1);
	assert_int_equal(td_read(&t, 0x018, 8), 5);
	/* COUNT is read-only. */
	td_write(&t, 0x018, 8, 100);
	assert_int_equal(td_read(&t, 0x018, 8), 7);
	/* Unknown offsets read as zero and ignore writes. */
	td_write(&t, 0x020, 8, 0x1234);
	td_write(&t, 0xff8, 8, 0x1234);
	assert_int_equal(td_read(&t, 0x020, 8), 0);
	assert_int_equal(td_read(&t, 0xff8, 8), 0);
	assert_int_equal(td_read(&t, 0x004, 4), 0);	/* inside SCRATCH, not its offset */
	assert_int_equal(td_read(&t, 0x000, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_iss),
		cmocka_unit_test(test_decode_isv0),
		cmocka_unit_test(test_load_zero_extend),
		cmocka_unit_test(test_load_sign_extend),
		cmocka_unit_test(test_load_sf0_truncates),
		cmocka_unit_test(test_bus_add_sorted),
		cmocka_unit_test(test_bus_add_errors),
		cmocka_unit_test(test_bus_full),
		cmocka_unit_test(test_bus_find_edges),
		cmocka_unit_test(test_bus_top_of_space),
		cmocka_unit_test(test_bus_find_many),
		cmocka_unit_test(test_testdev_magic_neg),
		cmocka_unit_test(test_testdev_scratch),
		cmocka_unit_test(test_testdev_count_and_unknown),
	};

	return cmocka_run_group_tests_name("mmio", tests, NULL, NULL);
}
