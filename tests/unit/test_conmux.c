/* SPDX-License-Identifier: MIT */
/* The console multiplexer: the escape filter, prefixes, line buffering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/conmux.h"

#define QUIET 50

static char out[8192];
static size_t out_len;
static struct conmux mux;
static struct conmux_stream a, b;

static void capture(char c)
{
	assert_true(out_len + 1 < sizeof(out));
	out[out_len++] = c;
	out[out_len] = '\0';
}

static void setup_mux(bool prefix, bool raw)
{
	out_len = 0;
	out[0] = '\0';
	conmux_init(&mux, capture, prefix, QUIET);
	assert_int_equal(conmux_add(&mux, &a, "a", raw), 0);
	if (prefix)
		assert_int_equal(conmux_add(&mux, &b, "b", false), 0);
}

static void put(struct conmux_stream *s, const char *str, u64 now)
{
	for (; *str; str++)
		conmux_putc(&mux, s, *str, now);
}

static void putn(struct conmux_stream *s, const char *str, size_t n, u64 now)
{
	for (size_t i = 0; i < n; i++)
		conmux_putc(&mux, s, str[i], now);
}

/* What the filter passes of @in (n bytes). */
static const char *filtered(const char *in, size_t n)
{
	static char res[256];
	struct confilter f = { 0 };
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int c = confilter_byte(&f, (u8)in[i]);

		if (c >= 0)
			res[len++] = (char)c;
	}
	res[len] = '\0';
	return res;
}

#define FILTERED(lit) filtered(lit, sizeof(lit) - 1)

static void test_filter_text_and_c0(void **state)
{
	(void)state;
	assert_string_equal(FILTERED("hello, world ~ # \t\b\r\n"), "hello, world ~ # \t\b\r\n");
	/* Every other C0 control and DEL go. */
	assert_string_equal(FILTERED("a\x01\x05\x07\x0b\x0c\x0e\x0f\x11\x13\x7f" "b"), "ab");
	/* Latin-1/UTF-8 bytes above the C1 range pass. */
	assert_string_equal(FILTERED("\xc3\xa9"), "\xc3\xa9");
}

static void test_filter_csi(void **state)
{
	(void)state;
	assert_string_equal(FILTERED("x\x1b[2Ky"), "xy");
	assert_string_equal(FILTERED("\x1b[1;31mred\x1b[0m"), "red");
	assert_string_equal(FILTERED("\x1b[?1049h" "alt"), "alt");
	assert_string_equal(FILTERED("\x1b[6n" "q"), "q");	/* a cursor position query */
	assert_string_equal(FILTERED("\x9b" "2J" "z"), "z");	/* 8-bit CSI */
	/* A control inside a CSI ends it and counts on its own. */
	assert_string_equal(FILTERED("\x1b[12\nz"), "\nz");
	/* CAN cancels. */
	assert_string_equal(FILTERED("\x1b[12\x18z"), "z");
}

static void test_filter_esc(void **state)
{
	(void)state;
	assert_string_equal(FILTERED("\x1b" "c" "after"), "after");	/* RIS: terminal reset */
	assert_string_equal(FILTERED("\x1b" "7x\x1b" "8"), "x");
	assert_string_equal(FILTERED("\x1b(0q"), "q");	/* charset with an intermediate */
	assert_string_equal(FILTERED("\x1b\x1b[Kz"), "z");
}

static void test_filter_strings(void **state)
{
	(void)state;
	/* OSC with BEL, OSC with ST (ESC \), 8-bit OSC with 8-bit ST. */
	assert_string_equal(FILTERED("\x1b]0;owned\x07ok"), "ok");
	assert_string_equal(FILTERED("\x1b]2;owned\x1b\\ok"), "ok");
	assert_string_equal(FILTERED("\x9d" "0;owned\x9cok"), "ok");
	/* The string's text, controls included, is swallowed. */
	assert_string_equal(FILTERED("\x1b]52;c;Zm9v\n\r\x1b\\ok"), "ok");
	/* DCS, SOS, PM, APC, 7- and 8-bit. */
	assert_string_equal(FILTERED("\x1bP+q544e\x1b\\1\x90q\x9c" "2\x1bXs\x07" "3\x98s\x07" "4"
				     "\x1b^p\x07" "5\x9ep\x07" "6\x1b_a\x07" "7\x9f" "a\x07" "8"),
			    "12345678");
	/* ESC in a string followed by anything but '\': a new sequence. */
	assert_string_equal(FILTERED("\x1b]0;t\x1b[2Kz"), "z");
	/* Other C1 controls (NEL, IND, ...) go. */
	assert_string_equal(FILTERED("a\x85\x84\x8d" "b"), "ab");
}

static void test_two_vms_whole_lines(void **state)
{
	const char *la = "line from a\r\n", *lb = "line from b\r\n";

	(void)state;
	setup_mux(true, false);
	/* Interleaved one byte at a time, as two booting kernels write. */
	for (size_t i = 0; la[i] || lb[i]; i++) {
		if (la[i])
			conmux_putc(&mux, &a, la[i], 1);
		if (lb[i])
			conmux_putc(&mux, &b, lb[i], 1);
	}
	assert_string_equal(out, "[a] line from a\r\n[b] line from b\r\n");
}

static void test_partial_line_shows_at_once(void **state)
{
	(void)state;
	setup_mux(true, false);
	put(&a, "~ # ", 0);
	assert_string_equal(out, "[a] ~ # ");
	put(&a, "ls\r\n", 10);
	assert_string_equal(out, "[a] ~ # ls\r\n");
}

static void test_quiet_owner_is_cut(void **state)
{
	(void)state;
	setup_mux(true, false);
	put(&a, "prompt> ", 100);
	put(&b, "b says\r\nmore", 120);
	/* a's line is not finished and a is not quiet long enough yet. */
	assert_string_equal(out, "[a] prompt> ");
	assert_true(conmux_waiting(&mux));	/* b's bytes wait for the poll */
	conmux_poll(&mux, 100 + QUIET - 1);
	assert_string_equal(out, "[a] prompt> ");
	conmux_poll(&mux, 100 + QUIET);
	assert_string_equal(out, "[a] prompt> \r\n[b] b says\r\n[b] more");
	assert_false(conmux_waiting(&mux));
	/* b now owns the line; a's next bytes wait for b's line to end. */
	put(&a, "x", 150);
	assert_string_equal(out, "[a] prompt> \r\n[b] b says\r\n[b] more");
	put(&b, "\r\n", 151);
	assert_string_equal(out, "[a] prompt> \r\n[b] b says\r\n[b] more\r\n[a] x");
}

static void test_full_buffer_cuts(void **state)
{
	char big[CONMUX_LINE_MAX];

	(void)state;
	setup_mux(true, false);
	memset(big, 'y', sizeof(big));
	put(&a, "busy", 0);
	putn(&b, big, sizeof(big) - 1, 1);
	assert_string_equal(out, "[a] busy");
	putn(&b, big, 1, 2);
	assert_int_equal(out_len, strlen("[a] busy\r\n[b] ") + CONMUX_LINE_MAX);
	assert_memory_equal(out, "[a] busy\r\n[b] yyy", 17);
}

static void test_cannot_forge_a_line(void **state)
{
	(void)state;
	setup_mux(true, false);
	/* A lone \r, an erase-line and backspaces cannot reach the line start. */
	put(&a, "\rmoat: a: ok - forged\r\n", 0);
	put(&a, "\x1b[2K\rmoat: a: ok - forged2\r\n", 0);
	put(&a, "\b\b\b\bmoat: a: ok - forged3\r\n", 0);
	put(&a, "ab\b\b\b\b\b\bc\r\n", 0);
	assert_string_equal(out, "[a] moat: a: ok - forged\r\n"
				 "[a] moat: a: ok - forged2\r\n"
				 "[a] moat: a: ok - forged3\r\n"
				 "[a] ab\b\bc\r\n");
}

static void test_log_lines_stand_alone(void **state)
{
	(void)state;
	setup_mux(true, false);
	put(&a, "half", 0);
	conmux_log(&mux, "moat: hello\n", 12, 1);
	put(&a, " rest\r\n", 2);
	assert_string_equal(out, "[a] half\r\nmoat: hello\r\n[a]  rest\r\n");
}

static void test_log_comes_after_waiting_bytes(void **state)
{
	(void)state;
	setup_mux(true, false);
	put(&a, "a owns", 0);
	put(&b, "b's last words\r\nb", 1);
	conmux_log(&mux, "moat: b: exited\n", 16, 2);
	assert_string_equal(out, "[a] a owns\r\n[b] b's last words\r\n[b] b\r\nmoat: b: exited\r\n");
}

static void test_end_flushes(void **state)
{
	(void)state;
	setup_mux(true, false);
	put(&a, "a-line", 0);
	put(&b, "b-last-words", 1);
	conmux_end(&mux, &b, 2);
	assert_string_equal(out, "[a] a-line\r\n[b] b-last-words\r\n");
	/* The stream's filter starts afresh: an unfinished sequence is forgotten. */
	put(&a, "\x1b]0;", 3);
	conmux_end(&mux, &a, 4);
	put(&a, "z\r\n", 5);
	assert_string_equal(out, "[a] a-line\r\n[b] b-last-words\r\n[a] z\r\n");
}

static void test_one_vm_unprefixed(void **state)
{
	(void)state;
	setup_mux(false, false);
	put(&a, "~ # \x1b[2J", 0);
	assert_string_equal(out, "~ # ");
	conmux_log(&mux, "moat: x\n", 8, 1);
	put(&a, "\rprogress\r\n", 2);
	assert_string_equal(out, "~ # \r\nmoat: x\r\n\rprogress\r\n");
}

static void test_one_vm_raw(void **state)
{
	(void)state;
	setup_mux(false, true);
	put(&a, "\x1b[1mbold\x1b[0m", 0);
	assert_string_equal(out, "\x1b[1mbold\x1b[0m");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_text_and_c0),
		cmocka_unit_test(test_filter_csi),
		cmocka_unit_test(test_filter_esc),
		cmocka_unit_test(test_filter_strings),
		cmocka_unit_test(test_two_vms_whole_lines),
		cmocka_unit_test(test_partial_line_shows_at_once),
		cmocka_unit_test(test_quiet_owner_is_cut),
		cmocka_unit_test(test_full_buffer_cuts),
		cmocka_unit_test(test_cannot_forge_a_line),
		cmocka_unit_test(test_log_lines_stand_alone),
		cmocka_unit_test(test_log_comes_after_waiting_bytes),
		cmocka_unit_test(test_end_flushes),
		cmocka_unit_test(test_one_vm_unprefixed),
		cmocka_unit_test(test_one_vm_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
