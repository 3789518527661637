/* SPDX-License-Identifier: MIT */
/* The emulated PL011: registers, FIFO, interrupt line, and a Linux-like driver loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emul/vpl011.h"
#include "lib/err.h"
#include "lib/log.h"

/* What the callbacks saw. */
struct sink {
	char out[4096];
	size_t n_out;
	bool level;
	unsigned int irq_calls;
	char log[1024];
	size_t n_log;
};

static struct sink *cur_sink;

static void sink_tx(void *arg, char c)
{
	struct sink *s = arg;

	if (s->n_out < sizeof(s->out))
		s->out[s->n_out++] = c;
}

static void sink_irq(void *arg, bool level)
{
	struct sink *s = arg;

	/* The model only reports changes. */
	assert_true(level != s->level);
	s->level = level;
	s->irq_calls++;
}

static void sink_log(const char *str, size_t n)
{
	if (cur_sink && cur_sink->n_log + n < sizeof(cur_sink->log)) {
		memcpy(cur_sink->log + cur_sink->n_log, str, n);
		cur_sink->n_log += n;
	}
}

static u32 rd(struct vpl011 *u, u64 off)
{
	u64 v = 0xdeadbeef;

	assert_int_equal(vpl011_ops.read(u, off, 4, &v), 0);
	assert_true(v <= 0xffffffffULL);
	return (u32)v;
}

static void wr(struct vpl011 *u, u64 off, u32 val)
{
	assert_int_equal(vpl011_ops.write(u, off, 4, val), 0);
}

static void setup_uart(struct vpl011 *u, struct sink *s)
{
	memset(s, 0, sizeof(*s));
	cur_sink = s;
	log_write = sink_log;
	vpl011_init(u, sink_tx, sink_irq, s);
}

/* As Linux's driver leaves it: FIFOs on, 8N1, RX/TX trigger at 1/2, enabled. */
static void linux_setup(struct vpl011 *u)
{
	wr(u, UARTIBRD, 13);
	wr(u, UARTFBRD, 1);
	wr(u, UARTLCR_H, UARTLCR_H_FEN | FIELD_PREP(UARTLCR_H_WLEN, 3));
	wr(u, UARTIFLS, FIELD_PREP(UARTIFLS_RXIFLSEL, 2) | FIELD_PREP(UARTIFLS_TXIFLSEL, 2));
	wr(u, UARTCR, UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
	wr(u, UARTICR, UARTICR_RXIC | UARTICR_RTIC);
}

static void test_id_registers(void **state)
{
	struct vpl011 u;
	struct sink s;
	u64 v;

	(void)state;
	setup_uart(&u, &s);
	assert_int_equal(rd(&u, UARTPeriphID0), 0x11);
	assert_int_equal(rd(&u, UARTPeriphID1), 0x10);
	assert_int_equal(rd(&u, UARTPeriphID2), 0x14);
	assert_int_equal(rd(&u, UARTPeriphID3), 0x00);
	assert_int_equal(rd(&u, UARTPCellID0), 0x0d);
	assert_int_equal(rd(&u, UARTPCellID1), 0xf0);
	assert_int_equal(rd(&u, UARTPCellID2), 0x05);
	assert_int_equal(rd(&u, UARTPCellID3), 0xb1);
	/* Linux's AMBA bus assembles these: periphid 0x00141011 (part 0x011, ARM, rev 1). */
	u32 pid = 0, cid = 0;
	for (int i = 0; i < 4; i++) {
		pid |= rd(&u, UARTPeriphID0 + 4 * i) << (8 * i);
		cid |= rd(&u, UARTPCellID0 + 4 * i) << (8 * i);
	}
	assert_int_equal(pid, 0x00141011);
	assert_int_equal(cid, 0xb105f00d);
	/* 8-bit reads work too. */
	assert_int_equal(vpl011_ops.read(&u, UARTPCellID3, 1, &v), 0);
	assert_int_equal(v, 0xb1);
	/* Read-only: writes change nothing. */
	wr(&u, UARTPeriphID0, 0x55);
	assert_int_equal(rd(&u, UARTPeriphID0), 0x11);
}

static void test_reset_values(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	assert_int_equal(rd(&u, UARTCR), UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
	assert_int_equal(rd(&u, UARTIFLS), 0x12);
	assert_int_equal(rd(&u, UARTLCR_H), 0);
	assert_int_equal(rd(&u, UARTIMSC), 0);
	assert_int_equal(rd(&u, UARTRIS), UARTRIS_TXRIS);
	assert_int_equal(rd(&u, UARTMIS), 0);
	assert_int_equal(rd(&u, UARTFR) & (UARTFR_TXFE | UARTFR_RXFE | UARTFR_TXFF | UARTFR_RXFF |
					   UARTFR_BUSY),
			 UARTFR_TXFE | UARTFR_RXFE);
	assert_int_equal(s.irq_calls, 0);
}

static void test_tx_calls_tx(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	wr(&u, UARTDR, 'h');
	assert_int_equal(vpl011_ops.write(&u, UARTDR, 1, 'i'), 0);
	assert_int_equal(vpl011_ops.write(&u, UARTDR, 2, 0x0f00 | '!'), 0);	/* upper bits ignored */
	assert_int_equal(s.n_out, 3);
	assert_memory_equal(s.out, "hi!", 3);
	/* Output is immediate: the transmitter is never busy or full. */
	u32 fr = rd(&u, UARTFR);
	assert_true(fr & UARTFR_TXFE);
	assert_false(fr & UARTFR_TXFF);
	assert_false(fr & UARTFR_BUSY);
	/* Reading DR does not transmit. */
	(void)rd(&u, UARTDR);
	assert_int_equal(s.n_out, 3);
}

static void test_fr_rx_flags(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	u32 fr = rd(&u, UARTFR);
	assert_true(fr & UARTFR_RXFE);
	assert_false(fr & UARTFR_RXFF);
	assert_int_equal(vpl011_rx_room(&u), VPL011_FIFO_DEPTH);

	assert_int_equal(vpl011_rx_push(&u, 'a'), 0);
	fr = rd(&u, UARTFR);
	assert_false(fr & UARTFR_RXFE);
	assert_false(fr & UARTFR_RXFF);

	for (int i = 1; i < VPL011_FIFO_DEPTH; i++)
		assert_int_equal(vpl011_rx_push(&u, (char)('a' + i)), 0);
	fr = rd(&u, UARTFR);
	assert_false(fr & UARTFR_RXFE);
	assert_true(fr & UARTFR_RXFF);
	assert_int_equal(vpl011_rx_room(&u), 0);
	assert_int_equal(vpl011_rx_push(&u, 'X'), -ENOSPC);
	/* A refused byte is not an overrun. */
	assert_int_equal(rd(&u, UARTRIS) & UARTRIS_OERIS, 0);
	assert_int_equal(rd(&u, UARTRSR), 0);

	(void)rd(&u, UARTDR);
	fr = rd(&u, UARTFR);
	assert_false(fr & UARTFR_RXFF);
	assert_int_equal(vpl011_rx_room(&u), 1);
}

static void test_rx_order(void **state)
{
	struct vpl011 u;
	struct sink s;
	const char *msg = "hello, world and more than 16";

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	/* Interleave pushes and reads so the ring wraps. */
	size_t in = 0, out = 0, len = strlen(msg);
	while (out < len) {
		while (in < len && vpl011_rx_push(&u, msg[in]) == 0)
			in++;
		for (int k = 0; k < 5 && !(rd(&u, UARTFR) & UARTFR_RXFE); k++) {
			u32 dr = rd(&u, UARTDR);
			assert_int_equal(dr & ~(u32)UARTDR_DATA, 0);	/* no error flags */
			assert_int_equal((char)dr, msg[out]);
			out++;
		}
	}
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);
	/* Reading an empty FIFO gives 0 and changes nothing. */
	assert_int_equal(rd(&u, UARTDR), 0);
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);
	/* Byte-wide DR read pops too. */
	assert_int_equal(vpl011_rx_push(&u, '\xe9'), 0);
	u64 v;
	assert_int_equal(vpl011_ops.read(&u, UARTDR, 1, &v), 0);
	assert_int_equal(v, 0xe9);
}

static void test_rx_irq(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	wr(&u, UARTIMSC, UARTIMSC_RXIM);	/* RX level only, no timeout */
	assert_false(s.level);

	/* Trigger at 1/2 of 16 = 8 bytes: 7 do not assert RXIS. */
	for (int i = 0; i < 7; i++)
		assert_int_equal(vpl011_rx_push(&u, 'x'), 0);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTRIS) & UARTRIS_RXRIS, 0);
	assert_int_equal(vpl011_rx_push(&u, 'y'), 0);
	assert_true(s.level);
	assert_true(vpl011_irq_level(&u));
	assert_int_equal(rd(&u, UARTMIS), UARTIMSC_RXIM);

	/* Reading below the level deasserts. */
	(void)rd(&u, UARTDR);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTRIS) & UARTRIS_RXRIS, 0);

	/* Receive timeout: any pending byte asserts RTIS. */
	wr(&u, UARTIMSC, UARTIMSC_RXIM | UARTIMSC_RTIM);
	assert_true(s.level);
	assert_int_equal(rd(&u, UARTMIS), UARTIMSC_RTIM);
	while (!(rd(&u, UARTFR) & UARTFR_RXFE))
		(void)rd(&u, UARTDR);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTRIS) & (UARTRIS_RXRIS | UARTRIS_RTRIS), 0);

	/* A single byte with RTIM set raises the line; reading it lowers it. */
	assert_int_equal(vpl011_rx_push(&u, 'z'), 0);
	assert_true(s.level);
	assert_int_equal(rd(&u, UARTDR), 'z');
	assert_false(s.level);
}

static void test_rx_irq_masked(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	wr(&u, UARTIMSC, 0);
	for (int i = 0; i < VPL011_FIFO_DEPTH; i++)
		assert_int_equal(vpl011_rx_push(&u, 'm'), 0);
	assert_int_equal(s.irq_calls, 0);
	assert_false(s.level);
	/* The raw status shows it, the masked one does not. */
	assert_int_equal(rd(&u, UARTRIS) & (UARTRIS_RXRIS | UARTRIS_RTRIS),
			 UARTRIS_RXRIS | UARTRIS_RTRIS);
	assert_int_equal(rd(&u, UARTMIS), 0);
	/* Unmasking with data already there raises the line at once. */
	wr(&u, UARTIMSC, UARTIMSC_RXIM);
	assert_true(s.level);
	wr(&u, UARTIMSC, 0);
	assert_false(s.level);
}

static void test_icr_clears(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	wr(&u, UARTIMSC, UARTIMSC_RXIM | UARTIMSC_RTIM);
	for (int i = 0; i < 8; i++)
		assert_int_equal(vpl011_rx_push(&u, 'c'), 0);
	assert_true(s.level);
	wr(&u, UARTICR, UARTICR_RXIC);
	assert_true(s.level);	/* RTIS still set */
	assert_int_equal(rd(&u, UARTRIS) & UARTRIS_RXRIS, 0);
	wr(&u, UARTICR, UARTICR_RTIC);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTMIS), 0);
	/* The data is still there, and new data raises the interrupts again. */
	assert_false(rd(&u, UARTFR) & UARTFR_RXFE);
	assert_int_equal(vpl011_rx_push(&u, 'd'), 0);
	assert_true(s.level);
	/* Writing all ones clears everything; ICR reads as zero. */
	wr(&u, UARTICR, 0xffffffff);
	assert_int_equal(rd(&u, UARTRIS), 0);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTICR), 0);
	/* Writing RIS/MIS does not change them. */
	assert_int_equal(vpl011_rx_push(&u, 'e'), 0);
	wr(&u, UARTRIS, 0);
	wr(&u, UARTMIS, 0);
	assert_true(rd(&u, UARTRIS) & UARTRIS_RTRIS);
}

static void test_tx_irq_model(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	/* The transmit FIFO starts empty: TXRIS set, so enabling TXIM interrupts at once. */
	assert_true(rd(&u, UARTRIS) & UARTRIS_TXRIS);
	wr(&u, UARTIMSC, UARTIMSC_TXIM);
	assert_true(s.level);
	wr(&u, UARTICR, UARTICR_TXIC);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTRIS) & UARTRIS_TXRIS, 0);
	/* Each transmitted byte drains at once and sets TXRIS again. */
	wr(&u, UARTDR, 'a');
	assert_true(s.level);
	assert_int_equal(rd(&u, UARTMIS), UARTIMSC_TXIM);
	/* Masking lowers the line, TXRIS stays. */
	wr(&u, UARTIMSC, 0);
	assert_false(s.level);
	assert_true(rd(&u, UARTRIS) & UARTRIS_TXRIS);
}

/*
 * Linux's amba-pl011 transmit path, in miniature: start_tx writes while
 * TXFF is clear and enables TXIM only if bytes remain; the interrupt handler
 * writes up to fifosize/2 bytes per TXIS without looking at TXFF, keeps
 * TXIM while bytes remain, never acks TXIS through ICR, and loops while
 * RIS & IMSC is non-zero. The whole buffer must come out, with no stall.
 */
struct drv {
	struct vpl011 *u;
	const char *buf;
	size_t len, pos;
	u32 im;
};

static bool drv_tx_chars(struct drv *d, bool from_irq)
{
	int count = VPL011_FIFO_DEPTH / 2;

	if (d->pos == d->len) {
		d->im &= ~(u32)UARTIMSC_TXIM;
		wr(d->u, UARTIMSC, d->im);
		return false;
	}
	do {
		if (from_irq && count-- == 0)
			break;
		if (!from_irq && (rd(d->u, UARTFR) & UARTFR_TXFF))
			break;
		wr(d->u, UARTDR, (u8)d->buf[d->pos++]);
	} while (d->pos < d->len);
	if (d->pos == d->len) {
		d->im &= ~(u32)UARTIMSC_TXIM;
		wr(d->u, UARTIMSC, d->im);
		return false;
	}
	return true;
}

static void drv_irq(struct drv *d)
{
	u32 status = rd(d->u, UARTRIS) & d->im;
	int pass = 256;

	while (status) {
		wr(d->u, UARTICR, status & ~(u32)(UARTICR_TXIC | UARTICR_RTIC | UARTICR_RXIC));
		if (status & UARTRIS_TXRIS)
			drv_tx_chars(d, true);
		if (pass-- == 0)
			break;
		status = rd(d->u, UARTRIS) & d->im;
	}
}

static void test_linux_tx_no_stall(void **state)
{
	struct vpl011 u;
	struct sink s;
	char big[3000];

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	setup_uart(&u, &s);
	linux_setup(&u);
	struct drv d = { .u = &u, .buf = big, .len = sizeof(big), .im = UARTIMSC_RXIM | UARTIMSC_RTIM };
	wr(&u, UARTIMSC, d.im);

	/* Process context: start_tx with the whole buffer queued. */
	if (drv_tx_chars(&d, false)) {
		d.im |= UARTIMSC_TXIM;
		wr(&u, UARTIMSC, d.im);
	}
	/* Deliver the (level) interrupt as long as the line is high. */
	for (int n = 0; s.level && n < 100; n++)
		drv_irq(&d);
	assert_int_equal(d.pos, d.len);
	assert_int_equal(s.n_out, sizeof(big));
	assert_memory_equal(s.out, big, sizeof(big));
	assert_false(s.level);

	/* The same from the interrupt path only: TXIM enabled with bytes left, after a TXIC. */
	s.n_out = 0;
	d.pos = 0;
	d.len = 100;
	wr(&u, UARTICR, UARTICR_TXIC);
	(void)drv_tx_chars(&d, true);		/* 8 bytes, then wait for TXIS */
	d.im |= UARTIMSC_TXIM;
	wr(&u, UARTIMSC, d.im);
	assert_true(s.level);
	for (int n = 0; s.level && n < 100; n++)
		drv_irq(&d);
	assert_int_equal(s.n_out, 100);
	assert_false(s.level);
}

static void test_disabled(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	wr(&u, UARTICR, UARTICR_TXIC);

	wr(&u, UARTCR, UARTCR_TXE | UARTCR_RXE);	/* UARTEN clear */
	wr(&u, UARTDR, 'n');
	assert_int_equal(s.n_out, 0);
	assert_int_equal(rd(&u, UARTRIS) & UARTRIS_TXRIS, 0);
	assert_int_equal(vpl011_rx_push(&u, 'n'), -EAGAIN);
	assert_int_equal(vpl011_rx_room(&u), 0);

	wr(&u, UARTCR, UARTCR_UARTEN | UARTCR_RXE);	/* TXE clear */
	wr(&u, UARTDR, 'n');
	assert_int_equal(s.n_out, 0);
	assert_int_equal(vpl011_rx_push(&u, 'y'), 0);

	wr(&u, UARTCR, UARTCR_UARTEN | UARTCR_TXE);	/* RXE clear */
	assert_int_equal(vpl011_rx_push(&u, 'n'), -EAGAIN);
	wr(&u, UARTDR, 'y');
	assert_int_equal(s.n_out, 1);
	assert_int_equal(s.out[0], 'y');
	/* What was received before is still readable. */
	assert_int_equal(rd(&u, UARTDR), 'y');
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);
}

static void test_fifo_disabled(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);	/* reset: FEN clear */
	wr(&u, UARTIMSC, UARTIMSC_RXIM);
	assert_int_equal(vpl011_rx_room(&u), 1);
	assert_int_equal(vpl011_rx_push(&u, '1'), 0);
	/* Character mode: one byte is full, and is at the (1-byte) trigger level. */
	assert_true(rd(&u, UARTFR) & UARTFR_RXFF);
	assert_true(s.level);
	assert_int_equal(vpl011_rx_push(&u, '2'), -ENOSPC);
	assert_int_equal(rd(&u, UARTDR), '1');
	assert_false(s.level);
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);

	/* Turning the FIFO on gives 16 places; switching mode empties it. */
	assert_int_equal(vpl011_rx_push(&u, '3'), 0);
	wr(&u, UARTLCR_H, UARTLCR_H_FEN);
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);
	assert_false(s.level);
	for (int i = 0; i < VPL011_FIFO_DEPTH; i++)
		assert_int_equal(vpl011_rx_push(&u, 'f'), 0);
	assert_int_equal(vpl011_rx_push(&u, 'f'), -ENOSPC);
	wr(&u, UARTLCR_H, 0);
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);
	assert_false(s.level);
	assert_int_equal(rd(&u, UARTLCR_H), 0);
}

static void test_trigger_levels(void **state)
{
	static const struct { u32 sel, level; } lv[] = {
		{ 0, 2 }, { 1, 4 }, { 2, 8 }, { 3, 12 }, { 4, 14 },
	};

	(void)state;
	for (size_t t = 0; t < ARRAY_SIZE(lv); t++) {
		struct vpl011 u;
		struct sink s;

		setup_uart(&u, &s);
		wr(&u, UARTLCR_H, UARTLCR_H_FEN);
		wr(&u, UARTIFLS, FIELD_PREP(UARTIFLS_RXIFLSEL, lv[t].sel));
		wr(&u, UARTIMSC, UARTIMSC_RXIM);
		for (u32 i = 1; i < lv[t].level; i++)
			assert_int_equal(vpl011_rx_push(&u, 'l'), 0);
		assert_false(s.level);
		assert_int_equal(vpl011_rx_push(&u, 'l'), 0);
		assert_true(s.level);
		/* Raising the trigger level above the fill lowers the line. */
		wr(&u, UARTIFLS, FIELD_PREP(UARTIFLS_RXIFLSEL, 4));
		if (lv[t].level < 14)
			assert_false(s.level);
	}
}

static void test_loopback(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	wr(&u, UARTCR, UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE | UARTCR_LBE);
	wr(&u, UARTDR, 'L');
	assert_int_equal(s.n_out, 0);
	assert_int_equal(rd(&u, UARTDR), 'L');
	/* Overflowing the FIFO in loopback is a real overrun. */
	wr(&u, UARTIMSC, UARTIMSC_OEIM);
	for (int i = 0; i <= VPL011_FIFO_DEPTH; i++)
		wr(&u, UARTDR, 'o');
	assert_true(rd(&u, UARTRIS) & UARTRIS_OERIS);
	assert_true(rd(&u, UARTRSR) & UARTRSR_OE);
	assert_true(s.level);
	wr(&u, UARTECR, 0);
	assert_int_equal(rd(&u, UARTRSR), 0);
	wr(&u, UARTICR, UARTICR_OEIC);
	assert_false(s.level);
}

static void test_plain_registers(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	wr(&u, UARTIBRD, 0x12345);
	assert_int_equal(rd(&u, UARTIBRD), 0x2345);
	wr(&u, UARTFBRD, 0xff);
	assert_int_equal(rd(&u, UARTFBRD), 0x3f);
	wr(&u, UARTILPR, 0x1ff);
	assert_int_equal(rd(&u, UARTILPR), 0xff);
	wr(&u, UARTDMACR, 0xff);
	assert_int_equal(rd(&u, UARTDMACR), 0x7);
	wr(&u, UARTIMSC, 0xffffffff);
	assert_int_equal(rd(&u, UARTIMSC), 0x7ff);
	wr(&u, UARTCR, 0xffffffff);
	assert_int_equal(rd(&u, UARTCR), 0xff87);
	wr(&u, UARTIFLS, 0xffffffff);
	assert_int_equal(rd(&u, UARTIFLS), 0x3f);
	wr(&u, UARTFR, 0);
	assert_true(rd(&u, UARTFR) & UARTFR_TXFE);
}

static void test_bad_accesses(void **state)
{
	struct vpl011 u;
	struct sink s;
	u64 v;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	assert_int_equal(vpl011_rx_push(&u, 'k'), 0);
	s.n_log = 0;

	/* 64-bit accesses: RAZ/WI, and do not pop or transmit. */
	v = 1;
	assert_int_equal(vpl011_ops.read(&u, UARTDR, 8, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vpl011_ops.write(&u, UARTDR, 8, 'q'), 0);
	assert_int_equal(s.n_out, 0);
	assert_false(rd(&u, UARTFR) & UARTFR_RXFE);
	/* Logged once. */
	assert_non_null(strstr(s.log, "vpl011"));
	size_t logged = s.n_log;
	/* Unaligned offsets and odd sizes. */
	v = 1;
	assert_int_equal(vpl011_ops.read(&u, UARTFR + 1, 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vpl011_ops.write(&u, UARTDR + 2, 2, 'q'), 0);
	assert_int_equal(vpl011_ops.write(&u, UARTDR, 3, 'q'), 0);
	assert_int_equal(vpl011_ops.write(&u, UARTDR, 0, 'q'), 0);
	assert_int_equal(s.n_out, 0);
	assert_int_equal(s.n_log, logged);
	/* Reserved and out-of-window offsets. */
	assert_int_equal(rd(&u, 0x008), 0);
	assert_int_equal(rd(&u, 0x04c), 0);
	assert_int_equal(rd(&u, 0xffc0), 0);
	wr(&u, 0x04c, 0xffffffff);
	wr(&u, 0x100000, 0xffffffff);
	assert_int_equal(rd(&u, UARTDR), 'k');
	assert_int_equal(s.n_out, 0);
}

static void test_reset_lowers_line(void **state)
{
	struct vpl011 u;
	struct sink s;

	(void)state;
	setup_uart(&u, &s);
	linux_setup(&u);
	wr(&u, UARTIMSC, UARTIMSC_RTIM);
	assert_int_equal(vpl011_rx_push(&u, 'r'), 0);
	assert_true(s.level);
	vpl011_reset(&u);
	assert_false(s.level);
	assert_true(rd(&u, UARTFR) & UARTFR_RXFE);
	assert_int_equal(rd(&u, UARTIMSC), 0);
	/* Callbacks survive a reset. */
	wr(&u, UARTDR, 'z');
	assert_int_equal(s.n_out, 1);
}

static void test_null_callbacks(void **state)
{
	struct vpl011 u;

	(void)state;
	vpl011_init(&u, NULL, NULL, NULL);
	wr(&u, UARTIMSC, UARTIMSC_TXIM);
	wr(&u, UARTDR, 'x');
	assert_true(vpl011_irq_level(&u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_registers),
		cmocka_unit_test(test_reset_values),
		cmocka_unit_test(test_tx_calls_tx),
		cmocka_unit_test(test_fr_rx_flags),
		cmocka_unit_test(test_rx_order),
		cmocka_unit_test(test_rx_irq),
		cmocka_unit_test(test_rx_irq_masked),
		cmocka_unit_test(test_icr_clears),
		cmocka_unit_test(test_tx_irq_model),
		cmocka_unit_test(test_linux_tx_no_stall),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_fifo_disabled),
		cmocka_unit_test(test_trigger_levels),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_plain_registers),
		cmocka_unit_test(test_bad_accesses),
		cmocka_unit_test(test_reset_lowers_line),
		cmocka_unit_test(test_null_callbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
