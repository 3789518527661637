/* SPDX-License-Identifier: MIT */
/*
 * Attack suite, the console (configs/attack_console.dts, alone: with one
 * VM running, moat adds no prefix to its output, the easiest case for a
 * forger). Its emulated PL011 gets writes to read-only and reserved
 * registers, DMA enables, odd access sizes, bytes with the transmitter
 * disabled, a flood, terminal escape sequences, the console's own focus
 * key, and lines that imitate moat's test channel. Some of the answers
 * can only be seen from outside (what reached the terminal): the runner
 * (tests/qemu/attack_cases.py) judges those from the log, by the markers
 * written here.
 *
 * The same image plays two more roles, chosen by bootargs, in
 * configurations the runner builds on the fly:
 *  - "notest": a VM without test-device calls moat's test hypercalls
 *    (CONSOLE_WRITE, TEST_REPORT, AT_TRANSLATE) and touches the test
 *    device's address, and prints what it got on its PL011 (it cannot
 *    report checks);
 *  - "ptprobe": a VM given a device the configuration check must refuse;
 *    if it runs at all it says so and reads the device.
 */
#include "attack_lib.h"

GUEST_PLAN(8);

#define UART		0x09000000ULL
#define DR		0x000
#define RSR		0x004
#define FR		0x018
#define FR_TXFF		(1u << 5)
#define FR_RXFE		(1u << 4)
#define CR		0x030
#define CR_UARTEN	(1u << 0)
#define CR_TXE		(1u << 8)
#define CR_RXE		(1u << 9)
#define RIS		0x03c
#define MIS		0x040
#define DMACR		0x048
#define PERIPHID0	0xfe0

static void uart_putc(char c)
{
	while (mmio_read32(UART + FR) & FR_TXFF)
		;
	mmio_write32(UART + DR, (uint8_t)c);
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void uart_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void uart_printf(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	uart_puts(buf);
}

/* Without test-device: moat's test calls must answer NOT_SUPPORTED. */
static int notest(void)
{
	static const char line[] = "attack-marker: notest CONSOLE_WRITE got through\n";
	static const char name[] = "attack: hvc: forged by a VM without test-device";
	struct probe p;

	int64_t cw = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)line, sizeof(line) - 1, 0);
	int64_t tr = hvc_call(MOAT_HC_TEST_REPORT, 1, (uintptr_t)name, sizeof(name) - 1);
	int64_t at = hvc_call(MOAT_HC_AT_TRANSLATE, 0x40080000, 0, 0);

	probe_read64(MOAT_TESTDEV_BASE + MOAT_TESTDEV_MAGIC, &p);
	uart_printf("notest-result: CONSOLE_WRITE %ld TEST_REPORT %ld AT_TRANSLATE %ld TESTDEV %s\n",
		    (long)cw, (long)tr, (long)at,
		    p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR ? "abort" : "readable");
	hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

/* Given a device that should have been refused: say so, touch it, power off. */
static int ptprobe(void)
{
	struct probe p;

	uart_puts("ptprobe-ran: the configuration was accepted\n");
	/* The address comes from bootargs' second word: "ptprobe 0x...". */
	const char *a = guest_bootargs();
	uint64_t addr = 0;

	while (*a && *a != ' ')
		a++;
	while (*a == ' ')
		a++;
	if (a[0] == '0' && a[1] == 'x')
		for (a += 2; *a && *a != ' '; a++)
			addr = addr * 16 + (uint64_t)(*a <= '9' ? *a - '0' : (*a | 0x20) - 'a' + 10);
	if (addr) {
		probe_read64(addr, &p);
		uart_printf("ptprobe: read 0x%lx at 0x%lx: %s\n", p.val, addr,
			    p.faulted ? "abort" : "got a value");
	}
	hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

int main(void)
{
	struct insn_try t;
	unsigned exc;
	uint32_t v;

	if (bootargs_has("notest"))
		return notest();
	if (bootargs_has("ptprobe"))
		return ptprobe();

	mmio_write32(UART + CR, CR_UARTEN | CR_TXE | CR_RXE);

	/* Read-only registers keep their values. */
	uint32_t fr = mmio_read32(UART + FR), pid = mmio_read32(UART + PERIPHID0);
	uint32_t ris = mmio_read32(UART + RIS), mis = mmio_read32(UART + MIS);

	mmio_write32(UART + FR, ~fr);
	mmio_write32(UART + RIS, 0xffffffff);
	mmio_write32(UART + MIS, 0xffffffff);
	mmio_write32(UART + PERIPHID0, ~pid);
	ATTACK(mmio_read32(UART + FR) == fr && mmio_read32(UART + PERIPHID0) == pid &&
	       mmio_read32(UART + RIS) == ris && mmio_read32(UART + MIS) == mis,
	       "console", "PL011 read-only registers (FR, RIS, MIS, PeriphID) ignore writes");

	/* Reserved offsets read as zero and ignore writes. */
	unsigned bad = 0;

	for (uint64_t off = 0x04c; off < 0xfe0; off += 4) {
		mmio_write32(UART + off, 0xffffffff);
		bad += mmio_read32(UART + off) != 0;
	}
	ATTACK(bad == 0, "console", "PL011 reserved offsets 0x04c-0xfdc read 0 after all-ones writes");

	/* DMA enables: stored, nothing behind them. */
	mmio_write32(UART + DMACR, 0xffffffff);
	v = mmio_read32(UART + DMACR);
	mmio_write32(UART + DMACR, 0);
	ATTACK((v & ~7u) == 0 && hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "console",
	       "PL011 DMA enables (UARTDMACR all ones) keep only TXDMAE/RXDMAE/DMAONERR and start nothing");

	/* Odd access sizes and offsets: a 64-bit DR access, byte and halfword
	 * accesses off the register boundary. Refused or ignored; never more. */
	exc = exceptions_seen();
	TRY_INSN(&t, "str " TRY_V ", [" TRY_IN "]", 0x4141414141414141ULL, UART + DR);
	bool ok = t.continued;
	TRY_INSN(&t, "ldr " TRY_V ", [" TRY_IN "]", 0, UART + FR);
	ok = ok && t.continued && (t.taken || (t.val >> 32) == 0);
	TRY_INSN(&t, "strb w" "16, [" TRY_IN "]", 0, UART + DR + 1);
	ok = ok && t.continued;
	TRY_INSN(&t, "ldrh w16, [" TRY_IN "]\n mov " TRY_V ", x16", 0, UART + FR + 2);
	ok = ok && t.continued && (t.taken || t.val == 0);
	printf("detail: odd PL011 accesses: %u exceptions\n", exceptions_seen() - exc);
	ATTACK(ok, "console", "PL011 64-bit and off-boundary accesses are refused or ignored");

	/* RX with nothing received: DR reads 0, FR says empty, RSR clean. */
	ATTACK((mmio_read32(UART + FR) & FR_RXFE) && mmio_read32(UART + DR) == 0 &&
	       mmio_read32(UART + RSR) == 0,
	       "console", "PL011 DR with an empty receive FIFO reads 0 and FR says empty");

	/* Bytes written with the transmitter disabled go nowhere (the runner looks). */
	mmio_write32(UART + CR, CR_UARTEN | CR_RXE);
	uart_puts("attack-marker: transmitter disabled, must not appear\n");
	mmio_write32(UART + CR, 0);
	uart_puts("attack-marker: UART disabled, must not appear\n");
	mmio_write32(UART + CR, CR_UARTEN | CR_TXE | CR_RXE);
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "console",
	       "PL011 bytes written with the transmitter off are accepted without blocking");

	/* A flood: 256 lines of 64 characters as fast as the guest can write them. */
	for (unsigned i = 0; i < 256; i++) {
		for (unsigned j = 0; j < 63; j++)
			uart_putc((char)('a' + (i + j) % 26));
		uart_putc('\n');
	}
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "console", "a 16 KiB flood through UARTDR: moat keeps up");

	/*
	 * Terminal escape sequences (the runner checks none reaches the
	 * terminal raw): set the window title, clear the screen, colour,
	 * cursor moves, an OSC 52 clipboard write; through the PL011 and
	 * through CONSOLE_WRITE.
	 */
	uart_puts("attack-marker: escapes: \x1b]0;attack-title\x07 \x1b[2J\x1b[31mattack-red\x1b[0m "
		  "\x1b[10Aattack-up \x1b]52;c;YXR0YWNr\x07\n");
	printf("attack-marker: escapes via hypercall: \x1b]0;attack-title-hc\x07 \x1b[31mattack-red-hc\n");
	/* The console's focus key (Ctrl-\ then a digit) in output moves nothing (runner looks). */
	uart_puts("attack-marker: focus key \x1c" "1 \x1c" "n in output\n");
	/* Lines imitating moat's test channel, for a VM that does not exist (so a
	 * forgery that works adds a check without upsetting this VM's plan). */
	uart_puts("moat: ghost: ok - attack: console: forged line counted\n");
	printf("\nmoat: ghost: ok - attack: console: forged line counted via hypercall\n");
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "console", "after all that, moat still answers");
	return 0;
}
