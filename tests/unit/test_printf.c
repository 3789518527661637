/* SPDX-License-Identifier: MIT */
/*
 * moat's vsnprintf/snprintf (host names moat_vsnprintf/moat_snprintf),
 * checked against fixed expectations and against the host C library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* The host C library's snprintf, captured before printf.h renames the names. */
static int __attribute__((format(printf, 3, 4))) libc_snprintf(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

#include "lib/printf.h"

/* Format with both and compare result and return value. */
#define SAME(...)                                                                       \
	do {                                                                            \
		char a_[256], b_[256];                                                  \
		int ra_ = snprintf(a_, sizeof(a_), __VA_ARGS__);                        \
		int rb_ = libc_snprintf(b_, sizeof(b_), __VA_ARGS__);                   \
		assert_string_equal(a_, b_);                                            \
		assert_int_equal(ra_, rb_);                                             \
	} while (0)

#define EXPECT(want, ...)                                                               \
	do {                                                                            \
		char a_[256];                                                           \
		int ra_ = snprintf(a_, sizeof(a_), __VA_ARGS__);                        \
		assert_string_equal(a_, want);                                          \
		assert_int_equal(ra_, (int)strlen(want));                               \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	SAME("%d %d %d", 0, 42, -42);
	SAME("%i", -2147483647 - 1);
	SAME("%u", 4294967295U);
	SAME("%x %X", 0xdeadbeefU, 0xdeadbeefU);
	SAME("%lx", 0xfedcba9876543210UL);
	SAME("%llx", 0xffffffffffffffffULL);
	SAME("%ld %lu", -9223372036854775807L - 1, 18446744073709551615UL);
	SAME("%lld", -1LL);
	SAME("%zu %zx", (size_t)123456789, (size_t)0xabcdef);
	SAME("%hhd %hhu %hd %hu", (signed char)-1, (unsigned char)255, (short)-1, (unsigned short)65535);
	SAME("%o %#o %#o", 8, 8, 0);
	SAME("%jd %td", (intmax_t)-5, (ptrdiff_t)-7);
}

static void test_flags_width(void **state)
{
	(void)state;
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%08x] [%#x] [%#010x] [%#X] [%#x]", 0xbeefU, 0xbeefU, 0xbeefU, 0xbeefU, 0U);
	SAME("[%016lx]", 0x1234UL);
	SAME("[%+d] [% d] [%+d] [% 5d]", 5, 5, -5, -5);
	SAME("[%05d]", -42);
	SAME("[%.3d] [%8.3d] [%-8.3d] [%08.3d] [%.0d] [%5.0d]", 7, 7, 7, 7, 0, 0);
	SAME("[%*d] [%-*d] [%*d]", 6, 1, 6, 1, -6, 1);
	SAME("[%3c] [%-3c] [%c]", 'a', 'b', 'c');
	SAME("[%%] [%5s%%]", "x");
}

static void test_strings(void **state)
{
	static const char not_terminated[3] = { 'a', 'b', 'c' };

	(void)state;
	SAME("[%s] [%10s] [%-10s] [%.2s] [%10.2s]", "hello", "hello", "hello", "hello", "hello");
	SAME("[%.*s]", 3, "abcdef");
	SAME("[%.*s]", -1, "abcdef");
	SAME("[%s]", "");
	/* With a precision, %s must not read past it (ASan checks). */
	EXPECT("[abc]", "[%.*s]", 3, not_terminated);
	EXPECT("(null)", "%s", (char *)NULL);
}

static void test_pointers(void **state)
{
	(void)state;
	EXPECT("0x1234", "%p", (void *)0x1234);
	EXPECT("0x0", "%p", NULL);
	EXPECT("0xffff800000001000", "%p", (void *)0xffff800000001000UL);
	EXPECT("[    0x10]", "[%8p]", (void *)0x10);
	EXPECT("[0x10    ]", "[%-8p]", (void *)0x10);
}

static void test_truncation(void **state)
{
	char buf[8];
	int n;

	(void)state;
	memset(buf, 'X', sizeof(buf));
	n = snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
	assert_int_equal(n, 12);
	assert_string_equal(buf, "abcdef-");

	/* size 0: nothing written, length still returned, NULL buffer allowed. */
	assert_int_equal(snprintf(NULL, 0, "%d", 123456), 6);
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(snprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'X');

	/* size 1: only the NUL. */
	assert_int_equal(snprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');

	/* Exactly fits. */
	assert_int_equal(snprintf(buf, 4, "abc"), 3);
	assert_string_equal(buf, "abc");

	/* Width padding past the end is counted, not written. */
	assert_int_equal(snprintf(buf, sizeof(buf), "%20d", 1), 20);
	assert_string_equal(buf, "       ");
}

static int via_v(char *b, size_t n, const char *f, ...) __printf(3, 4);
static int via_v(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

static void test_vsnprintf(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(via_v(buf, sizeof(buf), "%s=%#lx", "x", 0x10UL), 6);
	assert_string_equal(buf, "x=0x10");
}

static void test_odd_formats(void **state)
{
	char buf[32];
	/* Read at run time so the compile-time checker does not see them. */
	const char *volatile trailing = "abc%";
	const char *volatile unknown = "a%qb";

	(void)state;
	assert_int_equal(snprintf(buf, sizeof(buf), trailing, 0), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(snprintf(buf, sizeof(buf), unknown, 0), 4);
	assert_string_equal(buf, "a%qb");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),   cmocka_unit_test(test_flags_width),
		cmocka_unit_test(test_strings),    cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_truncation), cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_odd_formats),
	};

	return cmocka_run_group_tests_name("printf", tests, NULL, NULL);
}
