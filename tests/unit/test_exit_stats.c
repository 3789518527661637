/* SPDX-License-Identifier: MIT */
/* Exit statistics: the table Ctrl-\\ s prints for one VM (src/core/exit_stats.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/exit_stats.h"

static char lines[EXIT_R_NR + 2][200];
static unsigned nr_lines;

static void collect(void *ctx, const char *line)
{
	(void)ctx;
	assert_true(nr_lines < EXIT_R_NR + 2);
	strncpy(lines[nr_lines++], line, sizeof(lines[0]) - 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(exit_reason_name(EXIT_R_IRQ), "irq");
	assert_string_equal(exit_reason_name(EXIT_R_MMIO_GICD), "mmio-gicd");
	assert_string_equal(exit_reason_name(EXIT_R_OTHER), "other");
	assert_string_equal(exit_reason_name(EXIT_R_NR), "?");
}

/*
 * Two vCPUs: totals per VM, one line per reason that had exits (in enum
 * order), ticks per exit to a tenth, per-vCPU counts; the fast paths
 * (hvc-fast) have no ticks; the uncounted slot EXIT_R_NR is never shown.
 */
static void test_table(void **state)
{
	struct exit_stats s[2];

	(void)state;
	memset(s, 0, sizeof(s));
	s[0].r[EXIT_R_IRQ] = (struct exit_stat){ 3, 300 };
	s[1].r[EXIT_R_IRQ] = (struct exit_stat){ 1, 101 };
	s[1].r[EXIT_R_SYSREG] = (struct exit_stat){ 2, 45 };
	s[0].r[EXIT_R_NR] = (struct exit_stat){ 1000, 1000 };
	s[0].r[EXIT_R_HVC_FAST].count = 5;
	s[0].fast[EXIT_R_IRQ] = 6;
	s[1].fast[EXIT_R_MMIO_GICD] = 7;
	nr_lines = 0;
	exit_stats_format("db", s, 2, 62500000, collect, NULL);
	assert_int_equal(nr_lines, 5);
	assert_string_equal(lines[0], "exit stats: VM db: 24 exits, 446 ticks in moat (62500000 Hz)");
	/* ticks per exit over the timed ones; the fast path's are counted apart. */
	assert_string_equal(lines[1], "  irq                 10 exits          401 ticks      100.2/exit (fast 6) vcpu0 9 vcpu1 1");
	assert_string_equal(lines[2], "  hvc-fast             5 exits            - vcpu0 5 vcpu1 0");
	assert_string_equal(lines[3], "  sysreg               2 exits           45 ticks       22.5/exit vcpu0 0 vcpu1 2");
	assert_string_equal(lines[4], "  mmio-gicd            7 exits            - (fast 7) vcpu0 0 vcpu1 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
