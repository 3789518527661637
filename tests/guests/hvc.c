/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls and SMCCC errors: SMCCC 1.1 VERSION/ARCH_FEATURES, unknown
 * function ids in several ranges (NOT_SUPPORTED, x4-x17 preserved), moat's
 * console and report calls with bad buffers (INVALID_PARAMETER, and moat
 * keeps answering), SMC used instead of HVC, MOAT_HC_NOP, and the host-only
 * calls (VM creation and the rest) answering this VM NOT_SUPPORTED.
 */
#include "guest.h"

GUEST_PLAN(43);

#define REGVAL(n) (0xa5a5000000000000ULL | ((uint64_t)(n) << 8) | (n))

/*
 * Make one call with x4..x17 holding known values; return x0 and whether
 * x4..x17 came back unchanged. Generated for HVC and SMC.
 */
#define DEFINE_CALL_KEEPS(fn, insn)						\
static int64_t fn(uint64_t fid, bool *kept)					\
{										\
	register uint64_t x0 __asm__("x0") = fid;				\
	register uint64_t x1 __asm__("x1") = 0, x2 __asm__("x2") = 0;		\
	register uint64_t x3 __asm__("x3") = 0;					\
	register uint64_t x4 __asm__("x4") = REGVAL(4), x5 __asm__("x5") = REGVAL(5);	\
	register uint64_t x6 __asm__("x6") = REGVAL(6), x7 __asm__("x7") = REGVAL(7);	\
	register uint64_t x8 __asm__("x8") = REGVAL(8), x9 __asm__("x9") = REGVAL(9);	\
	register uint64_t x10 __asm__("x10") = REGVAL(10), x11 __asm__("x11") = REGVAL(11); \
	register uint64_t x12 __asm__("x12") = REGVAL(12), x13 __asm__("x13") = REGVAL(13); \
	register uint64_t x14 __asm__("x14") = REGVAL(14), x15 __asm__("x15") = REGVAL(15); \
	register uint64_t x16 __asm__("x16") = REGVAL(16), x17 __asm__("x17") = REGVAL(17); \
	__asm__ volatile(insn							\
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), \
			   "+r"(x6), "+r"(x7), "+r"(x8), "+r"(x9), "+r"(x10), "+r"(x11), \
			   "+r"(x12), "+r"(x13), "+r"(x14), "+r"(x15), "+r"(x16), "+r"(x17) \
			 : : "memory");						\
	*kept = x4 == REGVAL(4) && x5 == REGVAL(5) && x6 == REGVAL(6) &&	\
		x7 == REGVAL(7) && x8 == REGVAL(8) && x9 == REGVAL(9) &&	\
		x10 == REGVAL(10) && x11 == REGVAL(11) && x12 == REGVAL(12) &&	\
		x13 == REGVAL(13) && x14 == REGVAL(14) && x15 == REGVAL(15) &&	\
		x16 == REGVAL(16) && x17 == REGVAL(17);				\
	return (int64_t)x0;							\
}
DEFINE_CALL_KEEPS(hvc_keeps, "hvc #0")
DEFINE_CALL_KEEPS(smc_keeps, "smc #0")

static const char msg[] = "hvc guest: console still works\n";

int main(void)
{
	static const uint32_t unknown[] = { 0x86000000, 0xc6001234, 0x12345678, 0xffffffff };
	bool kept;
	int64_t r;

	r = hvc_keeps(SMCCC_VERSION, &kept);
	check(r == SMCCC_VERSION_1_1, "SMCCC_VERSION returns 1.1 (got 0x%lx)", (uint64_t)r);
	check(kept, "SMCCC_VERSION preserves x4-x17");
	r = hvc_call(SMCCC_VERSION | 0xffffffff00000000ULL, 0, 0, 0);
	check(r == SMCCC_VERSION_1_1,
	      "function id read from w0 (x0[63:32] ignored): got 0x%lx", (uint64_t)r);
	r = hvc_call(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0);
	check(r == SMCCC_RET_SUCCESS, "ARCH_FEATURES(SMCCC_VERSION) returns 0 (got %ld)", (long)r);
	r = hvc_call(SMCCC_ARCH_FEATURES, 0x8000ff00, 0, 0);
	check(r == SMCCC_RET_NOT_SUPPORTED,
	      "ARCH_FEATURES(unknown 0x8000ff00) returns NOT_SUPPORTED (got %ld)", (long)r);

	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		r = hvc_keeps(unknown[i], &kept);
		check(r == SMCCC_RET_NOT_SUPPORTED,
		      "unknown id 0x%08x returns NOT_SUPPORTED (got %ld)", unknown[i], (long)r);
		check(kept, "unknown id 0x%08x preserves x4-x17", unknown[i]);
	}

	/*
	 * The host's calls, with arguments a host might pass (a config, this
	 * VM's own RAM as donation, list or run page): this VM is not the
	 * host, so none of them exists for it.
	 */
	for (uint32_t fid = MOAT_HC_HOST_VERSION; fid <= MOAT_HC_EXIT_STATS_RESET; fid++) {
		r = hvc_call(fid, fid == MOAT_HC_VM_CREATE ? MOAT_VM_CFG(1, 40, 0) : 1,
			     (uintptr_t)msg & ~0xfffULL, 16);
		check(r == SMCCC_RET_NOT_SUPPORTED,
		      "host call 0x%08x returns NOT_SUPPORTED to a VM that is not the host (got %ld)",
		      fid, (long)r);
	}

	/* Bad console buffers: refused, and moat keeps answering. */
	r = hvc_call(MOAT_HC_CONSOLE_WRITE, 0x1000, 16, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "CONSOLE_WRITE ipa 0x1000 (below RAM) returns INVALID_PARAMETER (got %ld)", (long)r);
	r = hvc_call(MOAT_HC_CONSOLE_WRITE, (1ULL << 48) - 16, 16, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "CONSOLE_WRITE ipa 2^48-16 returns INVALID_PARAMETER (got %ld)", (long)r);
	r = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)msg, 100000, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "CONSOLE_WRITE len 100000 returns INVALID_PARAMETER (got %ld)", (long)r);
	r = hvc_call(MOAT_HC_CONSOLE_WRITE, GUEST_RAM_END - 8, 64, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "CONSOLE_WRITE straddling the end of RAM returns INVALID_PARAMETER (got %ld)", (long)r);
	r = hvc_call(MOAT_HC_CONSOLE_WRITE, 0xfffffffffffffff0ULL, 32, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "CONSOLE_WRITE ipa+len wrapping past 2^64 returns INVALID_PARAMETER (got %ld)", (long)r);
	r = hvc_call(MOAT_HC_TEST_REPORT, 1, 0x1000, 8);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "TEST_REPORT name outside RAM returns INVALID_PARAMETER (got %ld)", (long)r);
	r = hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)msg, 1000);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "TEST_REPORT name len 1000 returns INVALID_PARAMETER (got %ld)", (long)r);
	console_flush();
	r = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)msg, sizeof(msg) - 1, 0);
	check(r == (int64_t)(sizeof(msg) - 1),
	      "CONSOLE_WRITE after the bad calls returns len %u (got %ld)",
	      (unsigned)(sizeof(msg) - 1), (long)r);

	/* SMC instead of HVC: trapped, answered, PC advanced past the SMC. */
	{
		uint64_t x0 = SMCCC_VERSION, marker = 0, pc, next;
		unsigned before = exceptions_seen();

		/* Armed so that a floor run (SMC undefined) reports instead of dying. */
		expect_exception();
		__asm__ volatile("mov x0, %[fid]\n"
				 "adr %[next], 2f\n"
				 "adr %[pc], 1f\n"
				 "1:	smc #0\n"
				 "2:	mov %[m], #1\n"
				 "mov %[x0], x0\n"
				 : [x0] "+r"(x0), [m] "+r"(marker), [pc] "=&r"(pc), [next] "=&r"(next)
				 : [fid] "r"((uint64_t)SMCCC_VERSION)
				 : "x0", "x1", "x2", "x3", "memory");
		expect_none();
		bool faulted = exceptions_seen() != before;

		check(!faulted && x0 == SMCCC_VERSION_1_1,
		      "SMC SMCCC_VERSION returns 1.1 (got 0x%lx%s)", x0,
		      faulted ? ", exception taken" : "");
		check(marker == 1 && !faulted && next == pc + 4,
		      "SMC returns to the next instruction");
	}
	expect_exception();
	r = smc_keeps(0xc6005678, &kept);
	expect_none();
	bool faulted = exception_taken();
	check(r == SMCCC_RET_NOT_SUPPORTED && !faulted,
	      "SMC unknown id returns NOT_SUPPORTED (got %ld%s)", (long)r,
	      faulted ? ", exception taken" : "");
	check(kept && !faulted, "SMC unknown id preserves x4-x17");
	expect_exception();
	r = smc_keeps(SMCCC_VERSION, &kept);
	expect_none();
	faulted = exception_taken();
	check(kept && !faulted, "SMC SMCCC_VERSION preserves x4-x17");

	r = hvc_call(MOAT_HC_NOP, 0, 0, 0);
	check(r == 0, "MOAT_HC_NOP returns 0 (got %ld)", (long)r);
	unsigned bad = 0;
	for (int i = 0; i < 1000; i++)
		bad += hvc_call(MOAT_HC_NOP, 0, 0, 0) != 0;
	check(bad == 0, "1000 MOAT_HC_NOP calls all return 0 (%u did not)", bad);

	/* MOAT_HC_AT_TRANSLATE: an op outside the six AT S1 operations is refused. */
	r = hvc_call(MOAT_HC_AT_TRANSLATE, 0x40080000, 6, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER, "AT_TRANSLATE op 6 returns INVALID_PARAMETER (got %ld)",
	      (long)r);
	r = hvc_call(MOAT_HC_AT_TRANSLATE, 0x40080000, ~0ULL, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER,
	      "AT_TRANSLATE op 2^64-1 returns INVALID_PARAMETER (got %ld)", (long)r);
	/* With the MMU off, any VA translates flat: PAR.F = 0 and PA = VA, even far outside RAM. */
	r = hvc_call(MOAT_HC_AT_TRANSLATE, 0xfff0001234ULL, 0, 0);
	check(!(r & 1) && (r & 0xfffffffff000ULL) == 0xfff0001000ULL,
	      "AT_TRANSLATE with the MMU off is the flat mapping (PAR 0x%lx)", (unsigned long)r);
	return 0;
}
