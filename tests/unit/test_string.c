/* SPDX-License-Identifier: MIT */
/* src/lib/string.c under its host names (moat_memcpy, ...), against the C library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

void *moat_memcpy(void *dst, const void *src, size_t n);
void *moat_memmove(void *dst, const void *src, size_t n);
void *moat_memset(void *s, int c, size_t n);
int moat_memcmp(const void *a, const void *b, size_t n);
void *moat_memchr(const void *s, int c, size_t n);
size_t moat_strlen(const char *s);
size_t moat_strnlen(const char *s, size_t max);
int moat_strcmp(const char *a, const char *b);
int moat_strncmp(const char *a, const char *b, size_t n);
char *moat_strchr(const char *s, int c);
char *moat_strrchr(const char *s, int c);
unsigned long moat_strtoul(const char *s, char **end, int base);

static int sign(int v) { return (v > 0) - (v < 0); }

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7);
}

static void test_mem(void **state)
{
	unsigned char a[200], b[200], c[200];

	(void)state;
	/* Every alignment and length combination up to a few words. */
	for (size_t so = 0; so < 9; so++)
		for (size_t dof = 0; dof < 9; dof++)
			for (size_t n = 0; n < 40; n++) {
				fill(a, sizeof(a), (unsigned)(so + n));
				memset(b, 0xaa, sizeof(b));
				memset(c, 0xaa, sizeof(c));
				assert_ptr_equal(moat_memcpy(b + dof, a + so, n), b + dof);
				memcpy(c + dof, a + so, n);
				assert_memory_equal(b, c, sizeof(b));

				assert_ptr_equal(moat_memset(b + dof, (int)(n + 0x100), n), b + dof);
				memset(c + dof, (int)(n + 0x100), n);
				assert_memory_equal(b, c, sizeof(b));
			}
}

static void test_memmove(void **state)
{
	unsigned char a[100], b[100];

	(void)state;
	for (size_t src = 0; src < 20; src++)
		for (size_t dst = 0; dst < 20; dst++)
			for (size_t n = 0; n < 60; n++) {
				fill(a, sizeof(a), (unsigned)n);
				memcpy(b, a, sizeof(a));
				moat_memmove(a + dst, a + src, n);
				memmove(b + dst, b + src, n);
				assert_memory_equal(a, b, sizeof(a));
			}
}

static void test_cmp_chr(void **state)
{
	(void)state;
	assert_int_equal(moat_memcmp("abc", "abd", 3), -1);
	assert_int_equal(moat_memcmp("abd", "abc", 3), 1);
	assert_int_equal(moat_memcmp("abc", "abd", 2), 0);
	assert_int_equal(moat_memcmp("\x80", "\x01", 1), 1);	/* unsigned compare */
	assert_int_equal(moat_memcmp("", "", 0), 0);

	const char *s = "hello, world";
	assert_ptr_equal(moat_memchr(s, 'o', 12), s + 4);
	assert_null(moat_memchr(s, 'o', 4));
	assert_ptr_equal(moat_memchr(s, 0x100 + 'h', 12), s);

	assert_int_equal(moat_strlen(""), 0);
	assert_int_equal(moat_strlen(s), 12);
	assert_int_equal(moat_strnlen(s, 5), 5);
	assert_int_equal(moat_strnlen(s, 100), 12);
	assert_int_equal(moat_strnlen(s, 0), 0);

	const char *pairs[][2] = { { "", "" }, { "a", "" }, { "", "a" }, { "abc", "abd" },
				   { "abc", "ab" }, { "\xff", "a" }, { "same", "same" } };
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(moat_strcmp(pairs[i][0], pairs[i][1]),
				 sign(strcmp(pairs[i][0], pairs[i][1])));
		for (size_t n = 0; n < 5; n++)
			assert_int_equal(moat_strncmp(pairs[i][0], pairs[i][1], n),
					 sign(strncmp(pairs[i][0], pairs[i][1], n)));
	}

	assert_ptr_equal(moat_strchr(s, 'l'), s + 2);
	assert_ptr_equal(moat_strrchr(s, 'l'), s + 10);
	assert_ptr_equal(moat_strchr(s, '\0'), s + 12);
	assert_ptr_equal(moat_strrchr(s, '\0'), s + 12);
	assert_null(moat_strchr(s, 'z'));
	assert_null(moat_strrchr(s, 'z'));
}

static void test_strtoul(void **state)
{
	const char *in[] = { "0", "123", "  42xyz", "0x1f", "0X1F", "0777", "-1", "+7",
			     "18446744073709551615", "18446744073709551616", "99999999999999999999999",
			     "", "x", "0x", "0xg", "zz", "  -0x10", "1010" };
	const int bases[] = { 0, 2, 8, 10, 16, 36 };

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		for (size_t j = 0; j < sizeof(bases) / sizeof(bases[0]); j++) {
			char *e1, *e2;
			unsigned long v1 = moat_strtoul(in[i], &e1, bases[j]);
			unsigned long v2 = strtoul(in[i], &e2, bases[j]);

			if (v1 != v2 || e1 != e2)
				fail_msg("strtoul(\"%s\", %d): moat %lu end +%td, libc %lu end +%td",
					 in[i], bases[j], v1, e1 - in[i], v2, e2 - in[i]);
		}
	assert_int_equal(moat_strtoul("12", NULL, 10), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_memmove),
		cmocka_unit_test(test_cmp_chr),
		cmocka_unit_test(test_strtoul),
	};

	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
