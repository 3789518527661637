/* SPDX-License-Identifier: MIT */
/*
 * The emulated PL011 driven by arbitrary register accesses and console
 * input. Nothing may crash, and after every step: the FIFO count is within
 * its depth, the line level equals (RIS & IMSC) != 0, the owner was told
 * every change of it, and UARTFR agrees with the FIFO.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emul/vpl011.h"
#include "lib/err.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct fuzz_sink {
	bool level;
	size_t n_tx;
};

static void fz_tx(void *arg, char c)
{
	struct fuzz_sink *s = arg;

	(void)c;
	s->n_tx++;
}

static void fz_irq(void *arg, bool level)
{
	struct fuzz_sink *s = arg;

	CHECK(level != s->level);	/* only changes are reported */
	s->level = level;
}

static void check_invariants(struct vpl011 *u, const struct fuzz_sink *s)
{
	u32 depth = (u->lcr_h & UARTLCR_H_FEN) ? VPL011_FIFO_DEPTH : 1;
	u64 fr = 0;

	CHECK(u->rx_count <= depth);
	CHECK(u->rx_head < VPL011_FIFO_DEPTH);
	CHECK(u->level == ((u->ris & u->imsc) != 0));
	CHECK(s->level == u->level);
	CHECK((u->ris & ~(u32)UARTIMSC_MASK) == 0);
	/* RTRIS never outlives the data; the FIFO's flags match its count. */
	CHECK(u->rx_count || !(u->ris & UARTRIS_RTRIS));
	CHECK(vpl011_ops.read(u, UARTFR, 4, &fr) == 0);
	CHECK(!!(fr & UARTFR_RXFE) == (u->rx_count == 0));
	CHECK(!!(fr & UARTFR_RXFF) == (u->rx_count == depth));
	CHECK((fr & UARTFR_TXFE) && !(fr & (UARTFR_TXFF | UARTFR_BUSY)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 sizes[8] = { 4, 4, 1, 2, 8, 0, 3, 4 };
	struct fuzz_sink s = { 0 };
	struct vpl011 u;
	size_t i = 0;

	vpl011_init(&u, fz_tx, fz_irq, &s);
	check_invariants(&u, &s);
	while (i + 4 <= size) {
		u8 op = data[i];
		u64 off = ((u64)data[i + 1] << 8 | data[i + 2]) & 0x1fff;
		u32 val = data[i + 3];
		u32 sz = sizes[(op >> 2) & 7];
		u64 rv = ~0ULL;

		i += 4;
		/* Bias offsets towards real registers, 4-byte aligned, most of the time. */
		if (!(op & 0x20))
			off &= 0xffc;
		if (op & 0x40)
			off &= 0x4c;
		if (op & 0x80 && i + 2 <= size) {
			val |= (u32)data[i] << 8 | (u32)data[i + 1] << 24;
			i += 2;
		}
		switch (op & 3) {
		case 0:
			CHECK(vpl011_ops.read(&u, off, sz, &rv) == 0);
			CHECK(rv <= 0xffffffffULL);
			if (sz < 4 && sz)
				CHECK(rv < (1ULL << (8 * sz)));
			break;
		case 1:
			CHECK(vpl011_ops.write(&u, off, sz, val) == 0);
			break;
		case 2: {
			u32 before = u.rx_count;
			u32 room = vpl011_rx_room(&u);
			int ret = vpl011_rx_push(&u, (char)val);

			CHECK(ret == 0 || ret == -ENOSPC || ret == -EAGAIN);
			CHECK(ret != 0 || u.rx_count == before + 1);
			CHECK(ret != -ENOSPC || room == 0);
			CHECK((ret == 0) == (room > 0));
			break;
		}
		default:
			if ((op & 0x1c) == 0x1c)
				vpl011_reset(&u);
			else
				CHECK(vpl011_irq_level(&u) == s.level);
			break;
		}
		check_invariants(&u, &s);
	}
	return 0;
}
