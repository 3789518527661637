/* SPDX-License-Identifier: MIT */
/* vsnprintf/snprintf for the hypervisor: see printf.h for what is supported. */
#include "lib/printf.h"

#define BIT_(n) (1U << (n))
#define FL_LEFT  BIT_(0)	/* '-' */
#define FL_ZERO  BIT_(1)	/* '0' */
#define FL_ALT   BIT_(2)	/* '#' */
#define FL_PLUS  BIT_(3)	/* '+' */
#define FL_SPACE BIT_(4)	/* ' ' */
#define FL_UPPER BIT_(5)	/* %X */

struct out {
	char *buf;
	size_t size;
	size_t pos;	/* characters produced so far, including any that did not fit */
};

static void out_char(struct out *o, char c)
{
	if (o->size && o->pos < o->size - 1)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_str(struct out *o, const char *s, size_t len, int width, unsigned int flags)
{
	int pad = width > 0 && (size_t)width > len ? width - (int)len : 0;

	if (!(flags & FL_LEFT))
		out_repeat(o, ' ', pad);
	while (len--)
		out_char(o, *s++);
	if (flags & FL_LEFT)
		out_repeat(o, ' ', pad);
}

/*
 * One integer conversion. @prec < 0 means no precision given.
 * Layout: [spaces] [sign/prefix] [zeros] digits [spaces].
 */
static void out_num(struct out *o, u64 v, bool neg, unsigned int base, int width, int prec,
		    unsigned int flags)
{
	const char *digits = (flags & FL_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];	/* 64-bit octal needs 22 */
	char prefix[3];
	int nd = 0, np = 0, zeros, pad;

	if (!(prec == 0 && v == 0)) {
		do {
			tmp[nd++] = digits[v % base];
			v /= base;
		} while (v);
	}

	if (neg)
		prefix[np++] = '-';
	else if (flags & FL_PLUS)
		prefix[np++] = '+';
	else if (flags & FL_SPACE)
		prefix[np++] = ' ';
	if (flags & FL_ALT) {
		if (base == 16 && nd && !(nd == 1 && tmp[0] == '0')) {
			prefix[np++] = '0';
			prefix[np++] = (flags & FL_UPPER) ? 'X' : 'x';
		} else if (base == 8 && (nd == 0 || tmp[nd - 1] != '0') && prec <= nd) {
			prec = nd + 1;	/* '#' for octal: force a leading zero */
		}
	}

	zeros = prec > nd ? prec - nd : 0;
	pad = width - np - zeros - nd;
	if (pad < 0)
		pad = 0;
	/* '0' pads with zeros up to the width, unless left-justified or a precision is given. */
	if ((flags & FL_ZERO) && !(flags & FL_LEFT) && prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(flags & FL_LEFT))
		out_repeat(o, ' ', pad);
	for (int i = 0; i < np; i++)
		out_char(o, prefix[i]);
	out_repeat(o, '0', zeros);
	while (nd)
		out_char(o, tmp[--nd]);
	if (flags & FL_LEFT)
		out_repeat(o, ' ', pad);
}

static size_t bounded_strlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static int parse_int(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v < 100000000)	/* saturate absurd widths instead of overflowing */
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .pos = 0 };

	while (*fmt) {
		unsigned int flags = 0, base = 10;
		int width = 0, prec = -1;
		enum length len = LEN_INT;
		bool is_signed = false, neg = false;
		u64 v;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				flags |= FL_LEFT;
			else if (*fmt == '0')
				flags |= FL_ZERO;
			else if (*fmt == '#')
				flags |= FL_ALT;
			else if (*fmt == '+')
				flags |= FL_PLUS;
			else if (*fmt == ' ')
				flags |= FL_SPACE;
			else
				break;
		}

		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= FL_LEFT;
				width = width == -2147483647 - 1 ? 2147483647 : -width;
			}
			fmt++;
		} else {
			width = parse_int(&fmt);
		}

		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);	/* negative: as if omitted */
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				prec = parse_int(&fmt);
			}
		}

		switch (*fmt) {
		case 'h':
			len = LEN_SHORT;
			if (*++fmt == 'h') {
				len = LEN_CHAR;
				fmt++;
			}
			break;
		case 'l':
			len = LEN_LONG;
			if (*++fmt == 'l') {
				len = LEN_LLONG;
				fmt++;
			}
			break;
		case 'z':
			len = LEN_SIZE;
			fmt++;
			break;
		case 't':
			len = LEN_PTRDIFF;
			fmt++;
			break;
		case 'j':
			len = LEN_MAX;
			fmt++;
			break;
		default:
			break;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'x':
			base = 16;
			break;
		case 'X':
			base = 16;
			flags |= FL_UPPER;
			break;
		case 'o':
			base = 8;
			break;
		case 'p': {
			void *p = va_arg(ap, void *);

			/* '#' gives no "0x" for zero, but a null pointer should still read 0x0. */
			if (p)
				out_num(&o, (u64)(uintptr_t)p, false, 16, width, -1, (flags & FL_LEFT) | FL_ALT);
			else
				out_str(&o, "0x0", 3, width, flags & FL_LEFT);
			fmt++;
			continue;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n;

			if (!s)
				s = "(null)";
			/* With a precision, s need not be NUL-terminated: read at most prec bytes. */
			n = bounded_strlen(s, prec >= 0 ? (size_t)prec : (size_t)-1);
			out_str(&o, s, n, width, flags);
			fmt++;
			continue;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			out_str(&o, &c, 1, width, flags);
			fmt++;
			continue;
		}
		case '%':
			out_char(&o, '%');
			fmt++;
			continue;
		case '\0':
			/* A lone '%' at the end: print it, as most C libraries do. */
			out_char(&o, '%');
			continue;
		default:
			/* Unknown conversion (the format checker would have warned): show it. */
			out_char(&o, '%');
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;

		if (is_signed) {
			s64 sv;

			switch (len) {
			case LEN_CHAR: sv = (signed char)va_arg(ap, int); break;
			case LEN_SHORT: sv = (short)va_arg(ap, int); break;
			case LEN_LONG: sv = va_arg(ap, long); break;
			case LEN_LLONG: sv = va_arg(ap, long long); break;
			case LEN_SIZE: sv = va_arg(ap, ptrdiff_t); break;	/* signed size_t */
			case LEN_PTRDIFF: sv = va_arg(ap, ptrdiff_t); break;
			case LEN_MAX: sv = va_arg(ap, intmax_t); break;
			default: sv = va_arg(ap, int); break;
			}
			neg = sv < 0;
			v = neg ? -(u64)sv : (u64)sv;
		} else {
			switch (len) {
			case LEN_CHAR: v = (unsigned char)va_arg(ap, unsigned int); break;
			case LEN_SHORT: v = (unsigned short)va_arg(ap, unsigned int); break;
			case LEN_LONG: v = va_arg(ap, unsigned long); break;
			case LEN_LLONG: v = va_arg(ap, unsigned long long); break;
			case LEN_SIZE: v = va_arg(ap, size_t); break;
			case LEN_PTRDIFF: v = (u64)va_arg(ap, ptrdiff_t); break;
			case LEN_MAX: v = va_arg(ap, uintmax_t); break;
			default: v = va_arg(ap, unsigned int); break;
			}
			flags &= ~(FL_PLUS | FL_SPACE);	/* only for signed conversions */
		}
		out_num(&o, v, neg, base, width, prec, flags);
	}

	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > 2147483647 ? 2147483647 : (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
