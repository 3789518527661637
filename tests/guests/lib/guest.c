/* SPDX-License-Identifier: MIT */
/*
 * The test-guest runtime: SMCCC call wrappers, a console (moat's
 * CONSOLE_WRITE hypercall, or the PL011 when moat is not there), a tiny
 * printf, check reporting, exception handling and exit. See guest.h.
 */
#include "guest.h"

#define PL011_BASE	0x09000000ULL
#define PL011_DR	0x000
#define PL011_FR	0x018
#define PL011_FR_TXFF	(1u << 5)

uint64_t guest_dtb;

/*
 * Decided once at start: does moat answer its hypercalls (MOAT_HC_NOP)?
 * Without moat (the floor run) the runtime prints on the PL011 and powers
 * off through PSCI. With moat it reports only through TEST_PLAN and
 * TEST_REPORT, never by printing: a guest whose reports are refused fails.
 */
static bool no_moat_calls;
/* CONSOLE_WRITE answered NOT_SUPPORTED (a VM without test-device): text goes to the PL011. */
static bool no_console_call;
static unsigned n_checks, n_failed, n_console_errors, n_report_errors;

/* ------------------------------------------------------------------------ */
/* SMCCC calls. x4..x17 are listed as clobbered although SMCCC 1.1 preserves
 * them: the runtime stays sane if a broken hypervisor does not, and the hvc
 * guest checks the preservation separately. */

#define SMCCC_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", \
	"x13", "x14", "x15", "x16", "x17", "memory"

void hvc_call_res(struct smccc_res *res, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
	res->a0 = x0;
	res->a1 = x1;
	res->a2 = x2;
	res->a3 = x3;
}

void smc_call_res(struct smccc_res *res, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
	res->a0 = x0;
	res->a1 = x1;
	res->a2 = x2;
	res->a3 = x3;
}

int64_t hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct smccc_res r;

	hvc_call_res(&r, fid, a1, a2, a3);
	return (int64_t)r.a0;
}

int64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct smccc_res r;

	smc_call_res(&r, fid, a1, a2, a3);
	return (int64_t)r.a0;
}

bool moat_present(void)
{
	return hvc_call(SMCCC_VERSION, 0, 0, 0) == SMCCC_VERSION_1_1;
}

/* ------------------------------------------------------------------------ */
/* Console: whole lines go to moat in one CONSOLE_WRITE each (the trailing
 * '\n' included); without moat, bytes go to the PL011. */

static char line[MOAT_HC_CONSOLE_MAX];
static size_t line_len;

static void pl011_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			while (mmio_read32(PL011_BASE + PL011_FR) & PL011_FR_TXFF)
				;
			mmio_write32(PL011_BASE + PL011_DR, '\r');
		}
		while (mmio_read32(PL011_BASE + PL011_FR) & PL011_FR_TXFF)
			;
		mmio_write32(PL011_BASE + PL011_DR, (uint8_t)s[i]);
	}
}

static void console_write(const char *s, size_t n)
{
	if (!n)
		return;
	if (!no_moat_calls && !no_console_call) {
		int64_t r = hvc_call(MOAT_HC_CONSOLE_WRITE, (uintptr_t)s, n, 0);

		if (r == (int64_t)n)
			return;
		if (r != SMCCC_RET_NOT_SUPPORTED) {
			n_console_errors++;
			return;
		}
		no_console_call = true;
	}
	pl011_write(s, n);
}

void console_flush(void)
{
	console_write(line, line_len);
	line_len = 0;
}

static void console_putc(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		console_flush();
}

/* ------------------------------------------------------------------------ */
/* A small formatter: %d %i %u %x %X %p %s %c %%, flags '0' '-', a width,
 * length modifiers l, ll, z. */

struct sink {
	void (*put)(struct sink *, char);
	char *buf;
	size_t size, len;
};

static void put_console(struct sink *s, char c)
{
	console_putc(c);
	s->len++;
}

static void put_buf(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left && pad == '0' && n && (str[0] == '-')) {
		s->put(s, *str++);
		n--;
	}
	if (!left)
		while (fill-- > 0)
			s->put(s, pad);
	while (n--)
		s->put(s, *str++);
	if (left)
		while (fill-- > 0)
			s->put(s, ' ');
}

static void vformat(struct sink *s, const char *fmt, va_list ap)
{
	char tmp[24];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0;

		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}

		uint64_t v;
		bool neg = false;
		unsigned base = 10;
		const char *digits = "0123456789abcdef";

		switch (*fmt) {
		case '\0':
			return;
		case '%':
			s->put(s, '%');
			continue;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			emit_padded(s, tmp, 1, width, left, ' ');
			continue;
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			emit_padded(s, str, strlen(str), width, left, ' ');
			continue;
		}
		case 'd':
		case 'i': {
			int64_t sv = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			neg = sv < 0;
			v = neg ? -(uint64_t)sv : (uint64_t)sv;
			break;
		}
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			base = 16;
			s->put(s, '0');
			s->put(s, 'x');
			break;
		case 'X':
			digits = "0123456789ABCDEF";
			/* fallthrough */
		case 'x':
			base = 16;
			/* fallthrough */
		case 'u':
			v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
			break;
		default:
			s->put(s, '%');
			s->put(s, *fmt);
			continue;
		}

		size_t n = sizeof(tmp);
		do {
			tmp[--n] = digits[v % base];
			v /= base;
		} while (v);
		if (neg)
			tmp[--n] = '-';
		emit_padded(s, tmp + n, sizeof(tmp) - n, width, left, pad);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_buf, .buf = buf, .size = size };

	vformat(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	struct sink s = { .len = 0 };
	va_list ap;

	/*
	 * Set at run time, PC-relative: a constant initialiser is copied from
	 * .rodata with put_console's link-time address in it, which is wrong
	 * for a guest loaded elsewhere (a host's image sits where moat puts it).
	 */
	s.put = put_console;
	__asm__("" : "+m"(s));
	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
	return (int)s.len;
}

/* ------------------------------------------------------------------------ */
/* Checks. */

/* Only moat's TEST_REPORT counts under moat: no fallback to printing a verdict. */
static void report(bool ok, const char *name, size_t len)
{
	if (!no_moat_calls) {
		int64_t r = hvc_call(MOAT_HC_TEST_REPORT, ok, (uintptr_t)name, len);

		if (r != SMCCC_RET_SUCCESS) {
			n_report_errors++;
			printf("error: TEST_REPORT refused a report (%ld)\n", (long)r);
		}
		return;
	}
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
}

bool check(bool ok, const char *fmt, ...)
{
	char name[MOAT_HC_TEST_NAME_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (n > MOAT_HC_TEST_NAME_MAX)
		n = MOAT_HC_TEST_NAME_MAX;
	console_flush();
	n_checks++;
	if (!ok)
		n_failed++;
	report(ok, name, (size_t)n);
	return ok;
}

unsigned checks_made(void)
{
	return n_checks;
}

unsigned checks_failed(void)
{
	return n_failed;
}

/*
 * Exit status: main's, or 1 when it returned 0 but a check failed or the
 * number of checks differs from the plan.
 */
void guest_exit(int status)
{
	if ((int)n_checks != guest_plan) {
		printf("error: %u checks made, %d planned\n", n_checks, guest_plan);
		if (!status)
			status = 1;
	}
	if (!status && n_failed)
		status = 1;
	if (n_report_errors) {
		printf("error: %u reports refused\n", n_report_errors);
		if (!status)
			status = 1;
	}
	if (n_console_errors)
		printf("error: %u console writes refused\n", n_console_errors);
	console_flush();
	if (!no_moat_calls)
		hvc_call(MOAT_HC_EXIT, (uint64_t)(int64_t)status, 0, 0);
	/* Only without moat: say it ourselves and power off through PSCI. */
	no_moat_calls = true;
	printf("exit status %d\n", status);
	console_flush();
	hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void delay_ticks(uint64_t ticks)
{
	uint64_t end = counter() + ticks;

	while (counter() < end)
		;
}

/* ------------------------------------------------------------------------ */
/* Exceptions. */

struct exc_frame {
	uint64_t x[31];
	uint64_t elr, spsr, esr, far, vec;
};

void guest_exception(struct exc_frame *f);
extern char _head[];
void guest_start(uint64_t dtb);

static volatile bool exc_armed, exc_consumed, exc_tolerant;
static volatile unsigned exc_count, exc_depth, exc_tolerated;
static struct exc_info last_exc;

void expect_exception(void)
{
	exc_consumed = false;
	exc_armed = true;
	__asm__ volatile("" ::: "memory");
}

bool exception_taken(void)
{
	__asm__ volatile("" ::: "memory");
	return exc_consumed;
}

void expect_none(void)
{
	exc_armed = false;
}

const struct exc_info *last_exception(void)
{
	return &last_exc;
}

unsigned exceptions_seen(void)
{
	return exc_count;
}

void tolerate_exceptions(bool on)
{
	exc_tolerant = on;
}

static bool is_sync(uint64_t vec)
{
	return (vec & 0x180) == 0;
}

static void (*volatile irq_hook)(void);

void set_irq_handler(void (*fn)(void))
{
	irq_hook = fn;
	dsb(sy);
}

static bool (*volatile sync_hook)(const struct exc_info *e, uint64_t *elr, uint64_t *spsr);

void set_sync_handler(bool (*fn)(const struct exc_info *e, uint64_t *elr, uint64_t *spsr))
{
	sync_hook = fn;
	dsb(sy);
}

static bool is_irq(uint64_t vec)
{
	return (vec & 0x180) == 0x080;
}

void guest_exception(struct exc_frame *f)
{
	uint64_t ec = ESR_EC(f->esr);
	void (*hook)(void) = irq_hook;
	bool (*shook)(const struct exc_info *e, uint64_t *elr, uint64_t *spsr) = sync_hook;

	/* Before the depth guard: secondary CPUs take IRQs too. */
	if (hook && is_irq(f->vec)) {
		hook();
		return;
	}
	/* SVC #0 from EL0: the end of run_el0 (lib/el0.S). */
	if (f->vec == 0x400 && ESR_EC(f->esr) == ESR_EC_SVC64) {
		extern char el0_return[];

		f->elr = (uintptr_t)el0_return;
		f->spsr = 0x3c5;	/* EL1h, D A I F masked */
		return;
	}
	if (shook && is_sync(f->vec)) {
		struct exc_info e = { f->vec, f->esr, f->far, f->elr, f->spsr };

		if (shook(&e, &f->elr, &f->spsr))
			return;
	}

	if (exc_depth) {
		/* An exception while handling one: get out without the console. */
		hvc_call(MOAT_HC_EXIT, 2, 0, 0);
		hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
		for (;;)
			__asm__ volatile("wfi");
	}
	exc_depth++;
	last_exc.vec = f->vec;
	last_exc.esr = f->esr;
	last_exc.far = f->far;
	last_exc.elr = f->elr;
	last_exc.spsr = f->spsr;
	exc_count++;

	if (exc_armed || exc_tolerant) {
		if (!exc_armed && ++exc_tolerated <= 8)
			printf("tolerated exception: vector 0x%lx ESR 0x%lx FAR 0x%lx ELR 0x%lx%s\n",
			       f->vec, f->esr, f->far, f->elr,
			       exc_tolerated == 8 ? " (no more shown)" : "");
		exc_armed = false;
		exc_consumed = true;
		if (is_sync(f->vec)) {
			/* An instruction abort, or anything raised by code outside the
			 * image (a branch went astray): back to the caller's link. */
			if (ec == 0x20 || ec == 0x21 || f->elr < (uintptr_t)_head ||
			    f->elr >= (uintptr_t)__image_end)
				f->elr = f->x[30];
			else
				f->elr += 4;
		}
		exc_depth--;
		return;
	}

	/* exc_depth stays 1: a fault while reporting or exiting ends the VM at once. */
	check(false, "unexpected exception: vector 0x%lx ESR 0x%lx FAR 0x%lx ELR 0x%lx",
	      f->vec, f->esr, f->far, f->elr);
	guest_exit(1);
}

/* ------------------------------------------------------------------------ */
/* Probes. */

void probe_read64(uint64_t addr, struct probe *p)
{
	uint64_t pc, val = 0xdeadbeefdeadbeefULL, cont = 0;
	unsigned before = exc_count;

	expect_exception();
	__asm__ volatile("adr %0, 1f\n"
			 "1:	ldr %1, [%3]\n"
			 "	mov %2, #1\n"
			 : "=&r"(pc), "+r"(val), "+r"(cont) : "r"(addr) : "memory");
	expect_none();
	p->faulted = exc_count != before;
	p->continued = cont == 1;
	p->pc = pc;
	p->val = val;
	p->exc = last_exc;
}

void probe_write64(uint64_t addr, uint64_t val, struct probe *p)
{
	uint64_t pc, cont = 0;
	unsigned before = exc_count;

	expect_exception();
	__asm__ volatile("adr %0, 1f\n"
			 "1:	str %2, [%3]\n"
			 "	mov %1, #1\n"
			 : "=&r"(pc), "+r"(cont) : "r"(val), "r"(addr) : "memory");
	expect_none();
	p->faulted = exc_count != before;
	p->continued = cont == 1;
	p->pc = pc;
	p->val = val;
	p->exc = last_exc;
}

/* ------------------------------------------------------------------------ */

void guest_start(uint64_t dtb)
{
	guest_dtb = dtb;
	no_moat_calls = hvc_call(MOAT_HC_NOP, 0, 0, 0) != 0;
	if (no_moat_calls)
		printf("plan %d\n", guest_plan);
	else if (hvc_call(MOAT_HC_TEST_PLAN, (uint64_t)guest_plan, 0, 0) != SMCCC_RET_SUCCESS)
		n_report_errors++;
	guest_exit(main());
}

/* ------------------------------------------------------------------------ */
/* Freestanding string functions; byte-wise, since with the MMU off memory is
 * Device and must be accessed aligned. */

void *memset(void *s, int c, size_t n)
{
	volatile unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
