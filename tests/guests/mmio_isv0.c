/* SPDX-License-Identifier: MIT */
/*
 * MMIO whose data abort has no valid syndrome (ESR_EL2.ISV = 0): load/store
 * pair and the pre/post-index writeback forms, which moat emulates by
 * fetching the instruction through the guest's stage-1 and decoding it
 * (core/mmio_emulate.c). Against the emulated test device: values,
 * sign extension, the base register's writeback (general registers and
 * SP, in EL1h = SP_EL1 and EL1t = SP_EL0), the number of device accesses
 * of a pair; and what moat refuses (exclusive, atomic, a pair leaving the
 * device) comes back as a synchronous external abort at the guest's own
 * vector, execution going on.
 *
 * Each access is one instruction written out in asm. The guest runs
 * "tolerant" (the floor run without moat has no device: checks fail, the
 * guest goes on); the SP tests need moat and are skipped without it.
 */
#include "guest.h"

GUEST_PLAN(41);

#define DEV		MOAT_TESTDEV_BASE
#define SCRATCH		(DEV + MOAT_TESTDEV_SCRATCH)
#define MAGIC		(DEV + MOAT_TESTDEV_MAGIC)
#define NEG		(DEV + MOAT_TESTDEV_NEG)
#define COUNT		(DEV + MOAT_TESTDEV_COUNT)

#define GARBAGE		0x5a5a5a5a5a5a5a5aULL
#define GARBAGE2	0xa5a5a5a5a5a5a5a5ULL

static const uint64_t magic = MOAT_TESTDEV_MAGIC_VALUE, neg = MOAT_TESTDEV_NEG_VALUE;
static unsigned exc_mark;

/* A check that also fails when an access since the previous check faulted. */
static void check_val(uint64_t got, uint64_t want, const char *name)
{
	unsigned seen = exceptions_seen();
	bool faulted = seen != exc_mark;

	exc_mark = seen;
	check(got == want && !faulted, "%s: want 0x%lx got 0x%lx%s", name, want, got,
	      faulted ? " (access faulted)" : "");
}

/* One-register accesses with the syndrome (ISV = 1), to set up and read back. */
static void wr64(uint64_t a, uint64_t v)
{
	__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static uint64_t rd64(uint64_t a)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void test_pairs(void)
{
	uint64_t x1 = GARBAGE, x2 = GARBAGE2, base;

	/* ldp x: SCRATCH and MAGIC. */
	wr64(SCRATCH, 0x0123456789abcdefULL);
	__asm__ volatile("ldp %0, %1, [%2]" : "+r"(x1), "+r"(x2) : "r"(SCRATCH) : "memory");
	check_val(x1, 0x0123456789abcdefULL, "ldp x1, x2, [SCRATCH]: x1 = SCRATCH");
	check_val(x2, magic, "ldp x1, x2, [SCRATCH]: x2 = MAGIC");

	/* stp x: SCRATCH takes the first, MAGIC ignores the second. */
	__asm__ volatile("stp %0, %1, [%2]"
			 : : "r"(0x1122334455667788ULL), "r"(0x99ULL), "r"(SCRATCH) : "memory");
	check_val(rd64(SCRATCH), 0x1122334455667788ULL, "stp x: SCRATCH = first register");
	check_val(rd64(MAGIC), magic, "stp x: MAGIC unchanged by the second");

	/* ldp w: 32-bit elements, upper halves zeroed; offsets 0/4 and 4/8. */
	x1 = GARBAGE, x2 = GARBAGE2;
	__asm__ volatile("ldp %w0, %w1, [%2]" : "+r"(x1), "+r"(x2) : "r"(SCRATCH) : "memory");
	check_val(x1, 0x55667788, "ldp w1, w2, [SCRATCH]: w1 = SCRATCH low word, upper zeroed");
	check_val(x2, 0, "ldp w1, w2, [SCRATCH]: w2 = offset 4 (reads 0)");
	x1 = GARBAGE, x2 = GARBAGE2;
	__asm__ volatile("ldp %w0, %w1, [%2, #4]" : "+r"(x1), "+r"(x2) : "r"(SCRATCH) : "memory");
	check_val(x1, 0, "ldp w1, w2, [SCRATCH, #4]: w1 = offset 4");
	check_val(x2, magic & 0xffffffff, "ldp w1, w2, [SCRATCH, #4]: w2 = MAGIC low word");

	/* ldpsw: sign-extended words of NEG (offset 0x14 reads 0). */
	x1 = GARBAGE, x2 = GARBAGE2;
	__asm__ volatile("ldpsw %0, %1, [%2]" : "+r"(x1), "+r"(x2) : "r"(NEG) : "memory");
	check_val(x1, (uint64_t)(int64_t)(int32_t)neg, "ldpsw x1, x2, [NEG]: x1 sign-extended");
	check_val(x2, 0, "ldpsw x1, x2, [NEG]: x2 = offset 0x14");

	/* ldp post-index: both loaded, base += 16. */
	x1 = GARBAGE, x2 = GARBAGE2, base = SCRATCH;
	__asm__ volatile("ldp %0, %1, [%2], #16" : "+r"(x1), "+r"(x2), "+r"(base) : : "memory");
	check_val(x1, 0x1122334455667788ULL, "ldp x1, x2, [x0], #16: x1 = SCRATCH");
	check_val(x2, magic, "ldp x1, x2, [x0], #16: x2 = MAGIC");
	check_val(base, SCRATCH + 16, "ldp x1, x2, [x0], #16: x0 += 16");

	/* stp pre-index: stores at base - 16, which becomes the base. */
	base = SCRATCH + 16;
	__asm__ volatile("stp %1, %2, [%0, #-16]!"
			 : "+r"(base) : "r"(0x0badc0ffee0ddf00ULL), "r"(0x77ULL) : "memory");
	check_val(base, SCRATCH, "stp x1, x2, [x0, #-16]!: x0 -= 16");
	check_val(rd64(SCRATCH), 0x0badc0ffee0ddf00ULL, "stp x1, x2, [x0, #-16]!: SCRATCH written");

	/* A pair is two device accesses (COUNT counts its own read too). */
	{
		uint64_t c1 = rd64(COUNT);

		x1 = GARBAGE, x2 = GARBAGE2;
		__asm__ volatile("ldp %0, %1, [%2]" : "+r"(x1), "+r"(x2) : "r"(SCRATCH) : "memory");
		check_val(rd64(COUNT) - c1, 3, "ldp: two device accesses");
	}
}

static void test_writeback(void)
{
	uint64_t x1, base;

	wr64(SCRATCH, 0x0123456789abcdefULL);

	x1 = GARBAGE, base = SCRATCH;
	__asm__ volatile("ldr %0, [%1], #8" : "+r"(x1), "+r"(base) : : "memory");
	check_val(x1, 0x0123456789abcdefULL, "ldr x1, [x0], #8: x1 = SCRATCH");
	check_val(base, SCRATCH + 8, "ldr x1, [x0], #8: x0 += 8 after the access");

	x1 = GARBAGE, base = SCRATCH;
	__asm__ volatile("ldr %0, [%1, #8]!" : "+r"(x1), "+r"(base) : : "memory");
	check_val(x1, magic, "ldr x1, [x0, #8]!: x1 = MAGIC");
	check_val(base, SCRATCH + 8, "ldr x1, [x0, #8]!: x0 += 8 before the access");

	base = SCRATCH;
	__asm__ volatile("str %1, [%0], #-8" : "+r"(base) : "r"(0xfedcba9876543210ULL) : "memory");
	check_val(rd64(SCRATCH), 0xfedcba9876543210ULL, "str x1, [x0], #-8: SCRATCH written");
	check_val(base, SCRATCH - 8, "str x1, [x0], #-8: x0 -= 8");

	/* Sign-extending loads with post-index, from NEG. */
	x1 = GARBAGE, base = NEG;
	__asm__ volatile("ldrsw %0, [%1], #4" : "+r"(x1), "+r"(base) : : "memory");
	check_val(x1, (uint64_t)(int64_t)(int32_t)neg, "ldrsw x1, [x0], #4: sign-extended word");
	check_val(base, NEG + 4, "ldrsw x1, [x0], #4: x0 += 4");

	x1 = GARBAGE, base = NEG;
	__asm__ volatile("ldrsh %0, [%1], #2" : "+r"(x1), "+r"(base) : : "memory");
	check_val(x1, (uint64_t)(int64_t)(int16_t)neg, "ldrsh x1, [x0], #2: sign-extended halfword");
	check_val(base, NEG + 2, "ldrsh x1, [x0], #2: x0 += 2");

	x1 = GARBAGE, base = NEG;
	__asm__ volatile("ldrsb %w0, [%1], #1" : "+r"(x1), "+r"(base) : : "memory");
	check_val(x1, (uint32_t)(int32_t)(int8_t)neg, "ldrsb w1, [x0], #1: sign-extended to 32 bits");
	check_val(base, NEG + 1, "ldrsb w1, [x0], #1: x0 += 1");

	x1 = GARBAGE, base = NEG + 8;
	__asm__ volatile("ldrsh %w0, [%1, #-8]!" : "+r"(x1), "+r"(base) : : "memory");
	check_val(x1, (uint32_t)(int32_t)(int16_t)neg, "ldrsh w1, [x0, #-8]!: sign-extended to 32 bits");
	check_val(base, NEG, "ldrsh w1, [x0, #-8]!: x0 -= 8");
}

/*
 * SP as the base register, with writeback. SP points at the device only
 * inside one asm block (interrupts are masked). In EL1h it is SP_EL1: an
 * exception there would push its frame to the device, so it runs only with
 * moat present. In EL1t (SPSel = 0) it is SP_EL0 and an exception goes
 * back to SP_EL1, the real stack.
 */
static void test_sp(void)
{
	uint64_t x1 = GARBAGE, x2 = GARBAGE2, sp_after = 0, save;

	if (!moat_present()) {
		check(false, "SP tests skipped: moat is not there");
		return;
	}
	wr64(SCRATCH, 0x1020304050607080ULL);

	/* EL1h: ldr x1, [sp], #8 */
	__asm__ volatile("mov %[save], sp\n"
			 "mov sp, %[dev]\n"
			 "ldr %[x1], [sp], #8\n"
			 "mov %[after], sp\n"
			 "mov sp, %[save]\n"
			 : [save] "=&r"(save), [x1] "+&r"(x1), [after] "=&r"(sp_after)
			 : [dev] "r"(SCRATCH) : "memory");
	check_val(x1, 0x1020304050607080ULL, "EL1h ldr x1, [sp], #8: x1 = SCRATCH");
	check_val(sp_after, SCRATCH + 8, "EL1h ldr x1, [sp], #8: SP_EL1 += 8");

	/* EL1h: stp x1, x2, [sp, #-16]! */
	__asm__ volatile("mov %[save], sp\n"
			 "mov sp, %[dev]\n"
			 "stp %[a], %[b], [sp, #-16]!\n"
			 "mov %[after], sp\n"
			 "mov sp, %[save]\n"
			 : [save] "=&r"(save), [after] "=&r"(sp_after)
			 : [dev] "r"(SCRATCH + 16), [a] "r"(0x1111222233334444ULL), [b] "r"(5ULL)
			 : "memory");
	check_val(sp_after, SCRATCH, "EL1h stp x1, x2, [sp, #-16]!: SP_EL1 -= 16");
	check_val(rd64(SCRATCH), 0x1111222233334444ULL, "EL1h stp x1, x2, [sp, #-16]!: SCRATCH written");

	/* EL1t: ldp x1, x2, [sp], #16 with SP_EL0. */
	x1 = GARBAGE, x2 = GARBAGE2;
	__asm__ volatile("mrs %[save], sp_el0\n"
			 "msr sp_el0, %[dev]\n"
			 "msr spsel, #0\n"
			 "ldp %[x1], %[x2], [sp], #16\n"
			 "mov %[after], sp\n"
			 "msr spsel, #1\n"
			 "msr sp_el0, %[save]\n"
			 : [save] "=&r"(save), [x1] "+&r"(x1), [x2] "+&r"(x2), [after] "=&r"(sp_after)
			 : [dev] "r"(SCRATCH) : "memory");
	check_val(x1, 0x1111222233334444ULL, "EL1t ldp x1, x2, [sp], #16: x1 = SCRATCH");
	check_val(x2, magic, "EL1t ldp x1, x2, [sp], #16: x2 = MAGIC");
	check_val(sp_after, SCRATCH + 16, "EL1t ldp x1, x2, [sp], #16: SP_EL0 += 16");
}

/* An access moat cannot emulate: external abort at VBAR+0x200, ELR = it, execution goes on. */
static void check_refused(const char *what, uint64_t pc, uint64_t cont, unsigned before)
{
	const struct exc_info *e = last_exception();
	bool dabt = exceptions_seen() != before && e->vec == VEC_CUR_SPX_SYNC &&
		    ESR_EC(e->esr) == ESR_EC_DABT_CUR;

	check(dabt && ESR_xFSC(e->esr) == ESR_FSC_SEA && e->elr == pc && cont == 1,
	      "%s: data abort (EC 0x25, DFSC 0x10) at its own PC, continues (ESR 0x%lx ELR 0x%lx)",
	      what, dabt ? e->esr : 0, dabt ? e->elr : 0);
	exc_mark = exceptions_seen();
}

static void test_refused(void)
{
	uint64_t pc, v = 0, cont;
	unsigned before;

	/* Exclusive load. */
	before = exceptions_seen(), cont = 0;
	expect_exception();
	__asm__ volatile("adr %0, 1f\n1: ldxr %1, [%3]\n mov %2, #1"
			 : "=&r"(pc), "+r"(v), "+r"(cont) : "r"(SCRATCH) : "memory");
	expect_none();
	check_refused("ldxr x1, [SCRATCH]", pc, cont, before);

	/* Atomic (FEAT_LSE): ldadd x1, x2, [x0], encoded by hand for -march=armv8-a. */
	before = exceptions_seen(), cont = 0;
	{
		register uint64_t x0 __asm__("x0") = SCRATCH;
		register uint64_t r1 __asm__("x1") = 1;
		register uint64_t r2 __asm__("x2") = 0;

		expect_exception();
		__asm__ volatile("adr %0, 1f\n1: .inst 0xf8210002\n mov %1, #1"
				 : "=&r"(pc), "+r"(cont), "+r"(r2) : "r"(x0), "r"(r1) : "memory");
		expect_none();
	}
	check_refused("ldadd x1, x2, [SCRATCH]", pc, cont, before);

	/* A pair whose second element is past the device's end: neither is performed. */
	before = exceptions_seen(), cont = 0;
	expect_exception();
	__asm__ volatile("adr %0, 1f\n1: stp %2, %2, [%3]\n mov %1, #1"
			 : "=&r"(pc), "+r"(cont) : "r"(1ULL), "r"(DEV + 0xff8) : "memory");
	expect_none();
	check_refused("stp x, x, [DEV + 0xff8] (leaves the device)", pc, cont, before);

	/* Still working after all that. */
	{
		uint64_t x1 = GARBAGE, x2 = GARBAGE2;

		wr64(SCRATCH, 42);
		__asm__ volatile("ldp %0, %1, [%2]" : "+r"(x1), "+r"(x2) : "r"(SCRATCH) : "memory");
		check_val(x1 == 42 && x2 == magic, 1, "ldp after the refused accesses");
	}
}

int main(void)
{
	tolerate_exceptions(true);
	exc_mark = exceptions_seen();

	test_pairs();
	test_writeback();
	test_sp();
	test_refused();
	return 0;
}
