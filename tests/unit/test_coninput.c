/* SPDX-License-Identifier: MIT */
/* Console input: focus keys; typed bytes never reach a VM they were not typed for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/coninput.h"
#include "lib/err.h"

#define NR 3
#define ESC "\x1c"

static struct coninput in;
static bool stopped[NR];
static u32 room[NR];		/* bytes each VM's UART takes before it is full */
static char got[NR][512];
static size_t got_len[NR];

static bool fake_running(void *ctx, int vm)
{
	(void)ctx;
	assert_true(vm >= 0 && vm < NR);
	return !stopped[vm];
}

static int fake_deliver(void *ctx, int vm, char c)
{
	(void)ctx;
	assert_false(stopped[vm]);
	if (!room[vm])
		return -ENOSPC;
	room[vm]--;
	got[vm][got_len[vm]++] = c;
	return 0;
}

static const struct coninput_ops ops = { .running = fake_running, .deliver = fake_deliver };

static int setup(void **state)
{
	(void)state;
	memset(stopped, 0, sizeof(stopped));
	memset(got, 0, sizeof(got));
	memset(got_len, 0, sizeof(got_len));
	for (int i = 0; i < NR; i++)
		room[i] = 1000;
	coninput_init(&in, &ops, NULL, NR, 0);
	return 0;
}

static enum coninput_event type(const char *s)
{
	enum coninput_event ev = CONINPUT_NONE;

	for (; *s; s++)
		ev = coninput_byte(&in, *s);
	return ev;
}

static void test_keys_go_to_focus(void **state)
{
	(void)state;
	type("ls\r");
	assert_string_equal(got[0], "ls\r");
	assert_int_equal(type(ESC "1"), CONINPUT_FOCUS);
	assert_int_equal(in.focus, 1);
	type("pwd\r");
	assert_string_equal(got[1], "pwd\r");
	assert_string_equal(got[0], "ls\r");
	/* Ctrl-\ Ctrl-\ sends one Ctrl-\; Ctrl-\ x sends x. */
	type(ESC ESC ESC "x");
	assert_string_equal(got[1], "pwd\r" ESC "x");
	assert_int_equal(type(ESC "?"), CONINPUT_LIST);
	assert_int_equal(type(ESC "c"), CONINPUT_CHECK);
	assert_string_equal(got[1], "pwd\r" ESC "x");	/* the key is not typed into the VM */
	/* Exit statistics: shown and reset; neither key reaches the VM. */
	assert_int_equal(type(ESC "s"), CONINPUT_STATS);
	assert_int_equal(type(ESC "z"), CONINPUT_STATS_RESET);
	assert_string_equal(got[1], "pwd\r" ESC "x");
	assert_int_equal(type(ESC "n"), CONINPUT_FOCUS);
	assert_int_equal(in.focus, 2);
	assert_int_equal(type(ESC "n"), CONINPUT_FOCUS);
	assert_int_equal(in.focus, 0);
}

static void test_waiting_bytes_dropped_on_focus_change(void **state)
{
	(void)state;
	room[0] = 2;
	type("secret-for-vm0");
	assert_string_equal(got[0], "se");
	type(ESC "1");
	assert_int_equal(in.focus, 1);
	type("x");
	/* VM 1 gets only what was typed for it; VM 0 gets nothing more when it makes room. */
	assert_string_equal(got[1], "x");
	room[0] = 100;
	coninput_drain(&in);
	assert_string_equal(got[0], "se");
	/* Switching to the focused VM again keeps what waits for it. */
	room[1] = 0;
	type("yz");
	type(ESC "1");
	room[1] = 100;
	coninput_drain(&in);
	assert_string_equal(got[1], "xyz");
}

static void test_no_focus_to_stopped_vm(void **state)
{
	(void)state;
	stopped[1] = true;
	assert_int_equal(type(ESC "1"), CONINPUT_REFUSED);
	assert_int_equal(in.asked, 1);
	assert_int_equal(in.focus, 0);
	assert_int_equal(type(ESC "7"), CONINPUT_REFUSED);	/* no such VM */
	assert_int_equal(in.focus, 0);
	/* 'n' skips the stopped VM. */
	assert_int_equal(type(ESC "n"), CONINPUT_FOCUS);
	assert_int_equal(in.focus, 2);
}

static void test_focused_vm_stops(void **state)
{
	(void)state;
	room[0] = 1;
	type("typed-for-0");
	stopped[0] = true;
	assert_true(coninput_stopped(&in, 0));
	assert_int_equal(in.focus, 1);
	coninput_drain(&in);
	assert_int_equal(got_len[1], 0);
	type("k");
	assert_string_equal(got[1], "k");
	/* A VM without the focus stops: nothing changes. */
	stopped[2] = true;
	assert_false(coninput_stopped(&in, 2));
	assert_int_equal(in.focus, 1);
	/* The last running VM stops: the focus has nowhere to go, input goes nowhere. */
	room[1] = 0;
	type("zz");
	stopped[1] = true;
	assert_false(coninput_stopped(&in, 1));
	type("more");
	for (int i = 0; i < NR; i++)
		room[i] = 100;
	coninput_drain(&in);
	assert_string_equal(got[1], "k");
	assert_int_equal(got_len[0] + got_len[2], 1);	/* the one 't' VM 0 took before */
}

static void test_ring_full_keeps_oldest(void **state)
{
	char burst[CONINPUT_RING + 50];

	(void)state;
	room[0] = 0;
	memset(burst, 'a', sizeof(burst) - 1);
	burst[sizeof(burst) - 1] = '\0';
	type(burst);
	room[0] = 1000;
	coninput_drain(&in);
	assert_int_equal(got_len[0], CONINPUT_RING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_keys_go_to_focus, setup),
		cmocka_unit_test_setup(test_waiting_bytes_dropped_on_focus_change, setup),
		cmocka_unit_test_setup(test_no_focus_to_stopped_vm, setup),
		cmocka_unit_test_setup(test_focused_vm_stops, setup),
		cmocka_unit_test_setup(test_ring_full_keeps_oldest, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
