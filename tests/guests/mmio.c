/* SPDX-License-Identifier: MIT */
/*
 * MMIO to moat's emulated test device (MOAT_TESTDEV_BASE): every access
 * size in both directions, narrow reads of a wide register, sign-extending
 * loads to w and x registers, stores of wzr/xzr, loads into xzr, the
 * access counter. Each access is one instruction written out in asm, so the
 * ISS moat decodes (size, sign extension, register, direction) is known.
 *
 * The guest runs "tolerant": an access that faults (the floor run without
 * moat has no device) is recorded and skipped, and that check fails.
 */
#include "guest.h"

GUEST_PLAN(33);

#define DEV		MOAT_TESTDEV_BASE
#define SCRATCH		(DEV + MOAT_TESTDEV_SCRATCH)
#define MAGIC		(DEV + MOAT_TESTDEV_MAGIC)
#define NEG		(DEV + MOAT_TESTDEV_NEG)
#define COUNT		(DEV + MOAT_TESTDEV_COUNT)
#define UNUSED_REG	(DEV + 0x100)

/* Destination registers start as garbage, so a load must write all 64 bits. */
#define GARBAGE		0x5a5a5a5a5a5a5a5aULL

#define LD(insn, addr) ({							\
	uint64_t __v = GARBAGE;							\
	__asm__ volatile(insn " ; nop" : "+r"(__v) : "r"(addr) : "memory");	\
	__v; })
#define ST(insn, addr, val) \
	__asm__ volatile(insn : : "r"((uint64_t)(val)), "r"(addr) : "memory")

static unsigned exc_mark;

/* A check that also fails when an access since the previous one faulted. */
static void check_val(uint64_t got, uint64_t want, const char *name)
{
	unsigned seen = exceptions_seen();
	bool faulted = seen != exc_mark;

	exc_mark = seen;
	check(got == want && !faulted, "%s: want 0x%lx got 0x%lx%s", name, want, got,
	      faulted ? " (access faulted)" : "");
}

int main(void)
{
	const uint64_t magic = MOAT_TESTDEV_MAGIC_VALUE, neg = MOAT_TESTDEV_NEG_VALUE;

	tolerate_exceptions(true);
	exc_mark = exceptions_seen();

	/* SCRATCH round trips, each size. */
	ST("strb %w0, [%1]", SCRATCH, 0xa5);
	check_val(LD("ldrb %w0, [%1]", SCRATCH), 0xa5, "strb/ldrb SCRATCH");
	ST("strh %w0, [%1]", SCRATCH, 0xbeef);
	check_val(LD("ldrh %w0, [%1]", SCRATCH), 0xbeef, "strh/ldrh SCRATCH");
	ST("str %w0, [%1]", SCRATCH, 0xdeadbeef);
	check_val(LD("ldr %w0, [%1]", SCRATCH), 0xdeadbeef, "str w/ldr w SCRATCH");
	ST("str %x0, [%1]", SCRATCH, 0x0123456789abcdefULL);
	check_val(LD("ldr %x0, [%1]", SCRATCH), 0x0123456789abcdefULL, "str x/ldr x SCRATCH");
	/* Narrow reads of the 64-bit value just written: its low bytes. */
	check_val(LD("ldrb %w0, [%1]", SCRATCH), 0xef, "ldrb SCRATCH after str x (low byte)");
	check_val(LD("ldrh %w0, [%1]", SCRATCH), 0xcdef, "ldrh SCRATCH after str x");
	check_val(LD("ldr %w0, [%1]", SCRATCH), 0x89abcdef, "ldr w SCRATCH after str x");
	/* Its low bytes are negative as bytes, halfword and word: sign extension. */
	check_val(LD("ldrsb %w0, [%1]", SCRATCH), 0xffffffefULL, "ldrsb w SCRATCH (0x..ef)");
	check_val(LD("ldrsb %x0, [%1]", SCRATCH), 0xffffffffffffffefULL, "ldrsb x SCRATCH");
	check_val(LD("ldrsh %w0, [%1]", SCRATCH), 0xffffcdefULL, "ldrsh w SCRATCH (0x..cdef)");
	check_val(LD("ldrsh %x0, [%1]", SCRATCH), 0xffffffffffffcdefULL, "ldrsh x SCRATCH");
	check_val(LD("ldrsw %x0, [%1]", SCRATCH), 0xffffffff89abcdefULL, "ldrsw x SCRATCH");
	/* The same instructions on a positive value: no sign extension. */
	ST("str %x0, [%1]", SCRATCH, 0x0000000071727374ULL);
	check_val(LD("ldrsb %x0, [%1]", SCRATCH), 0x74, "ldrsb x SCRATCH positive");
	check_val(LD("ldrsw %x0, [%1]", SCRATCH), 0x71727374, "ldrsw x SCRATCH positive");

	/* MAGIC at every size: its low bytes. */
	check_val(LD("ldrb %w0, [%1]", MAGIC), magic & 0xff, "ldrb MAGIC");
	check_val(LD("ldrh %w0, [%1]", MAGIC), magic & 0xffff, "ldrh MAGIC");
	check_val(LD("ldr %w0, [%1]", MAGIC), magic & 0xffffffff, "ldr w MAGIC");
	check_val(LD("ldr %x0, [%1]", MAGIC), magic, "ldr x MAGIC");
	ST("str %x0, [%1]", MAGIC, 0x1111111111111111ULL);
	check_val(LD("ldr %x0, [%1]", MAGIC), magic, "MAGIC ignores writes");

	/* NEG: sign-extending loads give the sign-extended low bytes. */
	check_val(LD("ldrsb %w0, [%1]", NEG), (uint32_t)(int32_t)(int8_t)neg, "ldrsb w NEG");
	check_val(LD("ldrsb %x0, [%1]", NEG), (uint64_t)(int64_t)(int8_t)neg, "ldrsb x NEG");
	check_val(LD("ldrsh %w0, [%1]", NEG), (uint32_t)(int32_t)(int16_t)neg, "ldrsh w NEG");
	check_val(LD("ldrsh %x0, [%1]", NEG), (uint64_t)(int64_t)(int16_t)neg, "ldrsh x NEG");
	check_val(LD("ldrsw %x0, [%1]", NEG), (uint64_t)(int64_t)(int32_t)neg, "ldrsw x NEG");
	check_val(LD("ldr %x0, [%1]", NEG), neg, "ldr x NEG");

	/* Stores of the zero register write 0. */
	ST("str %x0, [%1]", SCRATCH, 0xffffffffffffffffULL);
	__asm__ volatile("str xzr, [%0]" : : "r"(SCRATCH) : "memory");
	check_val(LD("ldr %x0, [%1]", SCRATCH), 0, "str xzr writes 0");
	ST("str %x0, [%1]", SCRATCH, 0xffffffffffffffffULL);
	__asm__ volatile("str wzr, [%0]" : : "r"(SCRATCH) : "memory");
	check_val(LD("ldr %w0, [%1]", SCRATCH), 0, "str wzr writes 0");
	ST("str %x0, [%1]", SCRATCH, 0xffffffffffffffffULL);
	__asm__ volatile("strb wzr, [%0]" : : "r"(SCRATCH) : "memory");
	check_val(LD("ldrb %w0, [%1]", SCRATCH), 0, "strb wzr writes 0");

	/* Loads into the zero register: harmless, execution goes on. */
	{
		uint64_t marker = 0;

		__asm__ volatile("ldr xzr, [%1]\n"
				 "ldr wzr, [%1]\n"
				 "ldrb wzr, [%1]\n"
				 "mov %0, #1"
				 : "+r"(marker) : "r"(MAGIC) : "memory");
		check_val(marker, 1, "loads into xzr/wzr do not crash");
	}

	/* Unused offsets read as zero and ignore writes. */
	ST("str %x0, [%1]", UNUSED_REG, 0x7777777777777777ULL);
	check_val(LD("ldr %x0, [%1]", UNUSED_REG), 0, "unused offset 0x100 reads 0");

	/* COUNT advances with each access (3 reads of MAGIC between two reads). */
	{
		uint64_t c1 = LD("ldr %x0, [%1]", COUNT);

		(void)LD("ldr %x0, [%1]", MAGIC);
		(void)LD("ldr %w0, [%1]", MAGIC);
		(void)LD("ldrb %w0, [%1]", MAGIC);
		uint64_t c2 = LD("ldr %x0, [%1]", COUNT);
		uint64_t d = c2 - c1;

		check_val(d == 3 || d == 4, 1, "COUNT advances by 3 (+1 for its own read)");
		check_val(c1 >= 30, 1, "COUNT counts the accesses before");
	}

	/* Many exits in a row keep working. */
	{
		unsigned bad = 0;

		for (unsigned i = 0; i < 1000; i++) {
			ST("str %x0, [%1]", SCRATCH, i * 0x0101010101ULL);
			bad += LD("ldr %x0, [%1]", SCRATCH) != i * 0x0101010101ULL;
		}
		check_val(bad, 0, "1000 SCRATCH round trips");
	}
	return 0;
}
