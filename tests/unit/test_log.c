/* SPDX-License-Identifier: MIT */
/* The log: prefixes, levels, one write per message, locking, rate limiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/log.h"

static char out[8192];
static size_t out_len;
static int writes, locks, unlocks, lock_depth;

static void capture(const char *s, size_t n)
{
	assert_int_equal(lock_depth, log_lock ? 1 : 0);
	assert_true(out_len + n < sizeof(out));
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
	writes++;
}

static void fake_lock(void) { locks++; lock_depth++; }
static void fake_unlock(void) { unlocks++; lock_depth--; }

static int setup(void **state)
{
	(void)state;
	out_len = 0;
	out[0] = '\0';
	writes = locks = unlocks = lock_depth = 0;
	log_write = capture;
	log_lock = NULL;
	log_unlock = NULL;
	log_level = LOG_INFO;
	return 0;
}

static void test_prefixes(void **state)
{
	(void)state;
	log_info("%d CPUs online", 4);
	log_err("bad %s", "thing");
	log_warn("careful");
	assert_string_equal(out, "moat: 4 CPUs online\n"
				 "moat: error: bad thing\n"
				 "moat: warning: careful\n");
	assert_int_equal(writes, 3);
}

static void test_levels(void **state)
{
	(void)state;
	log_debug("hidden");
	assert_int_equal(out_len, 0);
	log_level = LOG_DEBUG;
	log_debug("shown %u", 1U);
	assert_string_equal(out, "moat: shown 1\n");
	log_level = LOG_ERR;
	log_warn("hidden");
	log_info("hidden");
	log_err("shown");
	assert_string_equal(out, "moat: shown 1\nmoat: error: shown\n");
}

static void test_newlines_and_one_write(void **state)
{
	(void)state;
	log_info("trailing newline is not doubled\n");
	log_err("two\nlines");
	log_info("%s", "");
	assert_string_equal(out, "moat: trailing newline is not doubled\n"
				 "moat: error: two\n"
				 "moat: error: lines\n"
				 "moat: \n");
	assert_int_equal(writes, 3);	/* a multi-line message is still one write */
}

static void test_long_message_cut(void **state)
{
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	assert_int_equal(writes, 1);
	assert_int_equal(out_len, strlen("moat: ") + LOG_MSG_MAX - 1 + 1);
	assert_memory_equal(out + out_len - 4, "...\n", 4);
}

static void test_lock_hooks(void **state)
{
	(void)state;
	log_lock = fake_lock;
	log_unlock = fake_unlock;
	log_info("a");
	log_warn("b");
	assert_int_equal(locks, 2);
	assert_int_equal(unlocks, 2);
	assert_int_equal(lock_depth, 0);
}

static void test_no_console(void **state)
{
	(void)state;
	log_write = NULL;
	log_err("dropped");	/* must not crash */
	assert_int_equal(out_len, 0);
}

static void test_ratelimit(void **state)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(3, 10);
	int printed = 0;

	(void)state;
	for (int i = 0; i < 25; i++)
		printed += log_printf_ratelimited(&rl, LOG_WARN, "guest did %d", i);
	/* calls 0-2, 10-12, 20-22 print; the 7 in between are reported once each window. */
	assert_int_equal(printed, 9);
	assert_non_null(strstr(out, "moat: warning: guest did 2\n"
				    "moat: warning: 7 similar messages suppressed\n"
				    "moat: warning: guest did 10\n"));
	assert_null(strstr(out, "guest did 3\n"));
	assert_non_null(strstr(out, "guest did 22\n"));
	assert_null(strstr(out, "guest did 23\n"));

	/* The macro keeps one limiter per call site. */
	out_len = 0;
	for (int i = 0; i < LOG_RATELIMIT_BURST + 5; i++)
		log_ratelimited(LOG_INFO, "site %d", i);
	assert_int_equal(writes - 9 - 2, LOG_RATELIMIT_BURST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_prefixes, setup),
		cmocka_unit_test_setup(test_levels, setup),
		cmocka_unit_test_setup(test_newlines_and_one_write, setup),
		cmocka_unit_test_setup(test_long_message_cut, setup),
		cmocka_unit_test_setup(test_lock_hooks, setup),
		cmocka_unit_test_setup(test_no_console, setup),
		cmocka_unit_test_setup(test_ratelimit, setup),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
