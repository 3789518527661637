/* SPDX-License-Identifier: MIT */
/*
 * A64 load/store decoding and emulation (emul/insn_decode.c). Encodings
 * were produced by `llvm-mc --triple=aarch64 -show-encoding` and a few
 * re-derived by hand from the Arm ARM field layout (see test_hand_encoded).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emul/insn_decode.h"
#include "lib/bitfield.h"
#include "lib/err.h"

struct want {
	u32 insn;
	const char *text;
	bool load, pair;
	u8 size, elem;
	bool sx;
	u8 dbits, rt, rt2, rn;
	enum insn_addr_mode mode;
	bool regoff;
	s64 imm;
	u8 rm, ext, shift;
	bool unpriv;
};

#define O INSN_ADDR_OFFSET
#define PRE INSN_ADDR_PRE
#define POST INSN_ADDR_POST

static const struct want good[] = {
	/* insn, text, load, pair, size, elem, sx, dbits, rt, rt2, rn, mode, regoff, imm, rm, ext, shift, unpriv */
	{ 0xf9400441, "ldr x1, [x2, #8]", 1, 0, 8, 8, 0, 64, 1, 0, 2, O, 0, 8 },
	{ 0xb94fffe3, "ldr w3, [sp, #4092]", 1, 0, 4, 4, 0, 32, 3, 0, 31, O, 0, 4092 },
	{ 0x393ffca4, "strb w4, [x5, #4095]", 0, 0, 1, 1, 0, 0, 4, 0, 5, O, 0, 4095 },
	{ 0x794004e6, "ldrh w6, [x7, #2]", 1, 0, 2, 2, 0, 32, 6, 0, 7, O, 0, 2 },
	{ 0x39800528, "ldrsb x8, [x9, #1]", 1, 0, 1, 1, 1, 64, 8, 0, 9, O, 0, 1 },
	{ 0x39c00128, "ldrsb w8, [x9]", 1, 0, 1, 1, 1, 32, 8, 0, 9, O, 0, 0 },
	{ 0x789fed6a, "ldrsh x10, [x11, #-2]!", 1, 0, 2, 2, 1, 64, 10, 0, 11, PRE, 0, -2 },
	{ 0x78c0656a, "ldrsh w10, [x11], #6", 1, 0, 2, 2, 1, 32, 10, 0, 11, POST, 0, 6 },
	{ 0xb89001ac, "ldursw x12, [x13, #-256]", 1, 0, 4, 4, 1, 64, 12, 0, 13, O, 0, -256 },
	{ 0xf80ffdee, "str x14, [x15, #255]!", 0, 0, 8, 8, 0, 0, 14, 0, 15, PRE, 0, 255 },
	{ 0xf85f8630, "ldr x16, [x17], #-8", 1, 0, 8, 8, 0, 64, 16, 0, 17, POST, 0, -8 },
	{ 0xb85ff272, "ldur w18, [x19, #-1]", 1, 0, 4, 4, 0, 32, 18, 0, 19, O, 0, -1 },
	{ 0xf80033ff, "stur xzr, [sp, #3]", 0, 0, 8, 8, 0, 0, 31, 0, 31, O, 0, 3 },
	{ 0xf8627820, "ldr x0, [x1, x2, lsl #3]", 1, 0, 8, 8, 0, 64, 0, 0, 1, O, 1, 0, 2, INSN_EXT_LSL, 3 },
	{ 0xb862d820, "ldr w0, [x1, w2, sxtw #2]", 1, 0, 4, 4, 0, 32, 0, 0, 1, O, 1, 0, 2, INSN_EXT_SXTW, 2 },
	{ 0x78224820, "strh w0, [x1, w2, uxtw]", 0, 0, 2, 2, 0, 0, 0, 0, 1, O, 1, 0, 2, INSN_EXT_UXTW, 0 },
	{ 0x3862e820, "ldrb w0, [x1, x2, sxtx]", 1, 0, 1, 1, 0, 32, 0, 0, 1, O, 1, 0, 2, INSN_EXT_SXTX, 0 },
	{ 0xb8a25820, "ldrsw x0, [x1, w2, uxtw #2]", 1, 0, 4, 4, 1, 64, 0, 0, 1, O, 1, 0, 2, INSN_EXT_UXTW, 2 },
	{ 0xb8a36841, "ldrsw x1, [x2, x3]", 1, 0, 4, 4, 1, 64, 1, 0, 2, O, 1, 0, 3, INSN_EXT_LSL, 0 },
	{ 0xf8408841, "ldtr x1, [x2, #8]", 1, 0, 8, 8, 0, 64, 1, 0, 2, O, 0, 8, 0, 0, 0, 1 },
	{ 0x38000841, "sttrb w1, [x2]", 0, 0, 1, 1, 0, 0, 1, 0, 2, O, 0, 0, 0, 0, 0, 1 },
	{ 0xa9410861, "ldp x1, x2, [x3, #16]", 1, 1, 16, 8, 0, 64, 1, 2, 3, O, 0, 16 },
	{ 0x29bf0be1, "stp w1, w2, [sp, #-8]!", 0, 1, 8, 4, 0, 32, 1, 2, 31, PRE, 0, -8 },
	{ 0xa8c17bfd, "ldp x29, x30, [sp], #16", 1, 1, 16, 8, 0, 64, 29, 30, 31, POST, 0, 16 },
	{ 0x69600861, "ldpsw x1, x2, [x3, #-256]", 1, 1, 8, 4, 1, 64, 1, 2, 3, O, 0, -256 },
	{ 0xa81f8861, "stnp x1, x2, [x3, #504]", 0, 1, 16, 8, 0, 64, 1, 2, 3, O, 0, 504 },
	{ 0x295f98e5, "ldp w5, w6, [x7, #252]", 1, 1, 8, 4, 0, 32, 5, 6, 7, O, 0, 252 },
};

static const struct { u32 insn; const char *text; int err; } bad[] = {
	{ 0xc85f7c41, "ldxr x1, [x2]", -ENOTSUP },
	{ 0xc89ffc41, "stlr x1, [x2]", -ENOTSUP },
	{ 0x88dffc41, "ldar w1, [x2]", -ENOTSUP },
	{ 0xf8210062, "ldadd x1, x2, [x3]", -ENOTSUP },
	{ 0xf8218062, "swp x1, x2, [x3]", -ENOTSUP },
	{ 0xc8e17c62, "casa x1, x2, [x3]", -ENOTSUP },
	{ 0x3dc00020, "ldr q0, [x1]", -ENOTSUP },
	{ 0xfd400420, "ldr d0, [x1, #8]", -ENOTSUP },
	{ 0xad400440, "ldp q0, q1, [x2]", -ENOTSUP },
	{ 0xf9800020, "prfm pldl1keep, [x1]", -ENOTSUP },
	{ 0x58000001, "ldr x1, <literal>", -ENOTSUP },
	{ 0xf8bfc041, "ldapr x1, [x2]", -ENOTSUP },
	{ 0x69000861, "stgp x1, x2, [x3]", -ENOTSUP },
	{ 0xf8200441, "ldraa x1, [x2]", -ENOTSUP },
	{ 0xd503201f, "nop", -ENOTSUP },
	{ 0x8b020020, "add x0, x1, x2", -ENOTSUP },
	/* Unallocated / CONSTRAINED UNPREDICTABLE */
	{ 0xb9c00020, "ldrsw w0 (opc 11, size 10): unallocated", -EINVAL },
	{ 0xf8624820 & ~0x4000u, "ldr x0, [x1, w2, option 000]: unallocated", -EINVAL },
	{ 0xa9400421, "ldp x1, x1, [x1]: Rt == Rt2", -EINVAL },
	{ 0xf8408c21, "ldr x1, [x1, #8]!: writeback to Rt", -EINVAL },
	{ 0xa9c10861, "ldp x1, x2, [x3, #16]! is fine, but x3 == Rt:", 0 },
	{ 0xa9c10c61, "ldp x1, x3, [x3, #16]!: writeback to Rt2", -EINVAL },
	{ 0xe9400861, "ldp with opc 11: unallocated", -EINVAL },
	{ 0x68400861, "ldpsw no-allocate: unallocated", -EINVAL },
};

static void test_good(void **state)
{
	struct insn_ls ls;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const struct want *w = &good[i];
		print_message("%s\n", w->text);
		assert_int_equal(insn_decode_ls(w->insn, &ls), 0);
		assert_int_equal(ls.load, w->load);
		assert_int_equal(ls.pair, w->pair);
		assert_int_equal(ls.size, w->size);
		assert_int_equal(ls.elem_size, w->elem);
		assert_int_equal(ls.sign_extend, w->sx);
		if (w->load)
			assert_int_equal(ls.dest_bits, w->dbits);
		assert_int_equal(ls.rt, w->rt);
		if (w->pair)
			assert_int_equal(ls.rt2, w->rt2);
		assert_int_equal(ls.rn, w->rn);
		assert_int_equal(ls.mode, w->mode);
		assert_int_equal(ls.writeback, w->mode != O);
		assert_int_equal(ls.reg_offset, w->regoff);
		if (w->regoff) {
			assert_int_equal(ls.rm, w->rm);
			assert_int_equal(ls.extend, w->ext);
			assert_int_equal(ls.shift, w->shift);
		} else {
			assert_int_equal(ls.imm, w->imm);
		}
		assert_int_equal(ls.unpriv, w->unpriv);
	}
}

static void test_bad(void **state)
{
	struct insn_ls ls;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("%s\n", bad[i].text);
		assert_int_equal(insn_decode_ls(bad[i].insn, &ls), bad[i].err);
	}
}

/* Built from the field layout alone, cross-checked against llvm-mc above. */
static void test_hand_encoded(void **state)
{
	struct insn_ls ls;

	(void)state;
	/* LDR (immediate, unsigned offset) 64-bit: 11 111 0 01 01 imm12 Rn Rt */
	u32 ldr = (3u << 30) | (7u << 27) | (1u << 24) | (1u << 22) | (1u << 10) | (2u << 5) | 1u;
	assert_int_equal(ldr, 0xf9400441);
	/* STP (pre-index) 32-bit: 00 101 0 011 0 imm7 Rt2 Rn Rt, imm7 = -2 (x4 = -8) */
	u32 stp = (5u << 27) | (3u << 23) | (0x7eu << 15) | (2u << 10) | (31u << 5) | 1u;
	assert_int_equal(stp, 0x29bf0be1);
	assert_int_equal(insn_decode_ls(stp, &ls), 0);
	assert_int_equal(ls.imm, -8);
}

/* A tiny device: 64 bytes of memory at VA 0x1000. */
static u8 dev[64];
static unsigned accesses;

static int dev_mem(void *arg, u64 va, u32 size, bool write, u64 *val)
{
	(void)arg;
	accesses++;
	if (va < 0x1000 || va + size > 0x1000 + sizeof(dev))
		return -EFAULT;
	if (write)
		memcpy(dev + (va - 0x1000), val, size);
	else {
		*val = 0;
		memcpy(val, dev + (va - 0x1000), size);
	}
	return 0;
}

static void run(u32 insn, struct insn_regs *r)
{
	struct insn_ls ls;

	assert_int_equal(insn_decode_ls(insn, &ls), 0);
	assert_int_equal(insn_ls_emulate(&ls, r, dev_mem, NULL), 0);
}

static void test_emulate(void **state)
{
	struct insn_regs r = { 0 };

	(void)state;
	for (unsigned i = 0; i < sizeof(dev); i++)
		dev[i] = (u8)(0x80 + i);
	/* ldrsb x8, [x9, #1]: sign-extended to 64 bits */
	r.x[9] = 0x1000;
	r.x[8] = 0x5a5a5a5a5a5a5a5aULL;
	run(0x39800528, &r);
	assert_int_equal(r.x[8], 0xffffffffffffff81ULL);
	/* ldrsb w8, [x9]: to 32 bits, upper half zero */
	run(0x39c00128, &r);
	assert_int_equal(r.x[8], 0xffffff80ULL);
	/* ldrh w6, [x7, #2] zero-extends */
	r.x[7] = 0x1000;
	r.x[6] = ~0ULL;
	run(0x794004e6, &r);
	assert_int_equal(r.x[6], 0x8382);
	/* ldrsh x10, [x11, #-2]! : pre-index writeback */
	r.x[11] = 0x1004;
	run(0x789fed6a, &r);
	assert_int_equal(r.x[10], 0xffffffffffff8382ULL);
	assert_int_equal(r.x[11], 0x1002);
	/* ldr x16, [x17], #-8 : post-index, access at the old base */
	r.x[17] = 0x1008;
	run(0xf85f8630, &r);
	assert_int_equal(r.x[16], 0x8f8e8d8c8b8a8988ULL);
	assert_int_equal(r.x[17], 0x1000);
	/* ldp x29, x30, [sp], #16 : SP as base, post-index */
	r.sp = 0x1010;
	run(0xa8c17bfd, &r);
	assert_int_equal(r.x[29], 0x9796959493929190ULL);
	assert_int_equal(r.x[30], 0x9f9e9d9c9b9a9998ULL);
	assert_int_equal(r.sp, 0x1020);
	/* ldpsw x1, x2, [x3, #-256] */
	r.x[3] = 0x1100 + 0x20;
	run(0x69600861, &r);
	assert_int_equal(r.x[1], 0xffffffffa3a2a1a0ULL);
	assert_int_equal(r.x[2], 0xffffffffa7a6a5a4ULL);
	/* stp w1, w2, [sp, #-8]! */
	r.sp = 0x1030;
	r.x[1] = 0x1111111122334455ULL;
	r.x[2] = 0x66778899;
	run(0x29bf0be1, &r);
	assert_int_equal(r.sp, 0x1028);
	u64 got;
	memcpy(&got, dev + 0x28, 8);
	assert_int_equal(got, 0x6677889922334455ULL);
	/* stur xzr, [sp, #3] stores zero (register 31 as data is XZR) */
	r.sp = 0x1000;
	run(0xf80033ff, &r);
	memcpy(&got, dev + 3, 8);
	assert_int_equal(got, 0);
	/* ldr w0, [x1, w2, sxtw #2] with a negative index */
	r.x[1] = 0x1020;
	r.x[2] = 0xfffffffeULL;		/* w2 = -2 */
	run(0xb862d820, &r);
	assert_int_equal(r.x[0], 0x9b9a9998ULL);	/* 0x1020 - 8 */
	/* strh w0, [x1, w2, uxtw] : upper half of x2 ignored */
	r.x[1] = 0x1000;
	r.x[2] = 0xffffffff00000010ULL;
	r.x[0] = 0xbeef;
	run(0x78224820, &r);
	assert_int_equal(dev[0x10], 0xef);
	assert_int_equal(dev[0x11], 0xbe);
	/* A load into xzr (ldr xzr, [x1]) is discarded */
	r.x[1] = 0x1000;
	run(0xf940003f, &r);
}

static void test_emulate_failure_leaves_registers(void **state)
{
	struct insn_regs r = { 0 }, before;
	struct insn_ls ls;

	(void)state;
	/* ldp x29, x30, [sp], #16 with the second element outside the device */
	r.sp = 0x1038;
	r.x[29] = 1, r.x[30] = 2;
	before = r;
	assert_int_equal(insn_decode_ls(0xa8c17bfd, &ls), 0);
	accesses = 0;
	assert_int_equal(insn_ls_emulate(&ls, &r, dev_mem, NULL), -EFAULT);
	assert_int_equal(accesses, 2);
	assert_memory_equal(&r, &before, sizeof(r));
	assert_int_equal(insn_ls_address(&ls, &r), 0x1038);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hand_encoded),
		cmocka_unit_test(test_emulate),
		cmocka_unit_test(test_emulate_failure_leaves_registers),
	};
	return cmocka_run_group_tests_name("insn_decode", tests, NULL, NULL);
}
