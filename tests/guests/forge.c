/* SPDX-License-Identifier: MIT */
/*
 * The console and test channel against a hostile guest (docs/console.md,
 * docs/testing.md). Two VMs run this binary:
 *
 * - "forge" (test-device) writes escape sequences, C1 controls and lines
 *   that pretend to be moat's verdicts ("\rmoat: forge: ok - forged") to
 *   its PL011 and through CONSOLE_WRITE, and checks the test hypercalls'
 *   answers to bad arguments. The runner (tests/qemu/guest_cases.py)
 *   asserts that no escape byte reached the terminal, that the forged lines
 *   appear only marked, and that none was counted.
 * - "plain" (no test-device) checks that every test hypercall answers it
 *   NOT_SUPPORTED, forges moat's exit line, and exits through MOAT_HC_EXIT
 *   with the number of wrong answers: the runner must read moat's line.
 */
#include "guest.h"

GUEST_PLAN(7);

#define PL011_DR	0x09000000ULL

/* Bytes to the PL011 exactly as given (the runtime's printf would go through CONSOLE_WRITE). */
static void uart_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mmio_write32(PL011_DR, (uint8_t)s[i]);
}

#define UART_RAW(lit) uart_raw(lit, sizeof(lit) - 1)

static const char hc_text[] = "\rmoat: forge: ok - forged3\n\x1b[2Kmoat: forge: ok - forged4\x1b]0;t\x07\n";

static int plain(void)
{
	static const char name[] = "forged";
	int wrong = 0;

	UART_RAW("\x1b]0;plain owns the title\x07\x1b[2K\rmoat: plain: exited with status 0\r\n");
	UART_RAW("\b\b\b\b\b\b\b\bmoat: forge: ok - forged5\r\n");
	wrong += hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)hc_text, sizeof(hc_text) - 1, 0) !=
		 SMCCC_RET_NOT_SUPPORTED;
	wrong += hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)name, sizeof(name) - 1) !=
		 SMCCC_RET_NOT_SUPPORTED;
	wrong += hvc_call(MOAT_HC_TEST_PLAN, 1, 0, 0) != SMCCC_RET_NOT_SUPPORTED;
	wrong += hvc_call(MOAT_HC_AT_TRANSLATE, GUEST_RAM_BASE, 0, 0) != SMCCC_RET_NOT_SUPPORTED;
	/* Not test calls: every VM has them. */
	wrong += hvc_call(MOAT_HC_NOP, 0, 0, 0) != 0;
	/* A status the forged exit line above contradicts. */
	hvc_call(MOAT_HC_EXIT, 40 + wrong, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

int main(void)
{
	static const char name[] = "forged6";
	int64_t r;

	if (bootargs_has("plain"))
		return plain();

	/* OSC title, clear screen, a cursor query, 8-bit CSI and OSC, then a forged line. */
	UART_RAW("\x1b]0;owned\x07\x1b[2J\x1b[6n\x9b" "2J\x9d" "0;owned\x9c\x1b" "c"
		 "\rmoat: forge: ok - forged\r\n");
	UART_RAW("half a line \x1b[2K\rmoat: forge: ok - forged2\r\n");
	UART_RAW("\x1bP+q544e\x1b\\\x90q\x9c\x85\x07\x0e\r\n");

	r = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)hc_text, sizeof(hc_text) - 1, 0);
	check(r == (int64_t)sizeof(hc_text) - 1, "CONSOLE_WRITE takes text with controls (%ld)", (long)r);
	r = hvc_call(MOAT_HC_TEST_REPORT, 2, (uintptr_t)name, sizeof(name) - 1);
	check(r == SMCCC_RET_INVALID_PARAMETER, "TEST_REPORT with ok = 2 is refused (%ld)", (long)r);
	r = hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)name, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER, "TEST_REPORT without a name is refused (%ld)", (long)r);
	r = hvc_call(MOAT_HC_TEST_REPORT, 1, GUEST_RAM_END - 2, sizeof(name) - 1);
	check(r == SMCCC_RET_INVALID_PARAMETER, "TEST_REPORT with a name outside RAM is refused (%ld)",
	      (long)r);
	r = hvc_call(MOAT_HC_TEST_PLAN, 1, 0, 0);
	check(r == SMCCC_RET_INVALID_PARAMETER, "a second TEST_PLAN is refused (%ld)", (long)r);
	/* MMU off: the flat mapping; PAR_EL1.F (bit 0) clear, PA in bits [47:12]. */
	r = hvc_call(MOAT_HC_AT_TRANSLATE, GUEST_RAM_BASE, 0, 0);
	check(!((uint64_t)r & 1) && ((uint64_t)r & 0xfffffffff000ULL) == GUEST_RAM_BASE,
	      "AT_TRANSLATE answers a test VM (PAR 0x%lx)", (long)r);
	check(true, "after the forgeries the verdicts still count");
	return 0;
}
