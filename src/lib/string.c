/* SPDX-License-Identifier: MIT */
/*
 * The freestanding string functions moat (and the packaged libfdt) need.
 *
 * On the target these are the real memcpy, strlen, ... On the host build
 * (MOAT_HOST) the C library already provides them, so this file defines
 * them as moat_memcpy, moat_strlen, ... instead; tests/unit/test_string.c
 * uses the same renaming to test this code and not the host's.
 *
 * Build with -fno-builtin (the target always is; tests/unit/string.mk adds
 * it on the host) so the compiler does not turn the loops below back into
 * calls to the functions they implement.
 */
#ifdef MOAT_HOST
#define memcpy moat_memcpy
#define memmove moat_memmove
#define memset moat_memset
#define memcmp moat_memcmp
#define memchr moat_memchr
#define strlen moat_strlen
#define strnlen moat_strnlen
#define strcmp moat_strcmp
#define strncmp moat_strncmp
#define strchr moat_strchr
#define strrchr moat_strrchr
#define strtoul moat_strtoul
#endif

#include "lib/types.h"
#include "lib/libc/string.h"
#include "lib/libc/stdlib.h"

/* A word the compiler may alias with any other type (we copy arbitrary objects). */
typedef u64 __attribute__((may_alias)) word_t;
#define WORD_SIZE sizeof(word_t)

static inline bool both_word_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (WORD_SIZE - 1)) == 0;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Whole words from here on: dst is aligned first. */
	while (n && ((uintptr_t)d & (WORD_SIZE - 1))) {
		*d++ = *s++;
		n--;
	}
	if (both_word_aligned(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
			*(word_t *)d = *(const word_t *)s;
	} else if (n >= WORD_SIZE) {
		/*
		 * src is not word aligned (a kernel inside a bundle's device tree
		 * is only 4-byte aligned) and moat is built with -mstrict-align:
		 * load aligned words and splice each output word from two of
		 * them (little-endian). Every word loaded holds at least one byte
		 * of src, so nothing outside it is read; a byte loop here made
		 * loading a 30 MiB kernel cost 130 M instructions.
		 */
		unsigned int sh = 8 * ((uintptr_t)s & (WORD_SIZE - 1));
		const word_t *ws = (const word_t *)((uintptr_t)s & ~(uintptr_t)(WORD_SIZE - 1));
		u64 lo = *ws++;

		for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE) {
			u64 hi = *ws++;

			*(word_t *)d = (lo >> sh) | (hi << (64 - sh));
			lo = hi;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return memcpy(dst, src, n);

	/* Overlap with dst above src: copy backwards. */
	d += n;
	s += n;
	if (both_word_aligned(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	unsigned char b = (unsigned char)c;

	while (n && ((uintptr_t)p & (WORD_SIZE - 1))) {
		*p++ = b;
		n--;
	}
	if (n >= WORD_SIZE) {
		word_t w = 0x0101010101010101ULL * b;

		for (; n >= WORD_SIZE; n -= WORD_SIZE, p += WORD_SIZE)
			*(word_t *)p = w;
	}
	while (n--)
		*p++ = b;
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)c;

	for (; n; n--, p++) {
		if (*p == b)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x == *y ? 0 : (*x < *y ? -1 : 1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * C semantics, without errno: leading white space, an optional sign, a
 * "0x" prefix for base 16 or 0, a leading "0" meaning octal for base 0.
 * On overflow the result is ULONG_MAX. *end points after the last digit
 * used, or at @s when there was no number.
 */
unsigned long strtoul(const char *s, char **end, int base)
{
	const char *p = s;
	unsigned long v = 0;
	bool neg = false, overflow = false, any = false;
	int d;

	if (base < 0 || base == 1 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; (d = digit_value(*p)) < base; p++) {
		any = true;
		if (v > (~0UL - (unsigned long)d) / (unsigned long)base)
			overflow = true;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (overflow)
		return ~0UL;
	return neg ? -v : v;
}
