// SPDX-License-Identifier: MIT
/*
 * PL011 register model (ARM PrimeCell UART PL011 TRM, DDI 0183). TX is
 * immediate: the FIFO is always empty, and the TX interrupt latches on
 * every write to DR, as a FIFO draining below its level would (Linux's
 * driver fills the FIFO, then waits for that interrupt). RX interrupts are
 * levels computed from the FIFO: RXIS at the trigger level IFLS selects,
 * RTIS (receive timeout) whenever a byte waits, which is what the timeout
 * comes to for a driver that does not read.
 */
#include "pl011.h"

#include <string.h>

/* r1p5 PL011, as the TRM lists (PeriphID0..3, then PrimeCell ID0..3). */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

void pl011_reset(struct pl011 *u)
{
	memset(u, 0, sizeof(*u));
	u->cr = 0x300;		/* TXE | RXE: the reset value */
	u->ifls = 0x12;		/* both FIFOs at half */
}

static unsigned int rx_capacity(const struct pl011 *u)
{
	return (u->lcr_h & UARTLCR_H_FEN) ? PL011_RX_FIFO : 1;
}

/* IFLS RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 full; reserved values as 1/2. */
static unsigned int rx_trigger(const struct pl011 *u)
{
	static const unsigned int eighths[8] = { 1, 2, 4, 6, 7, 4, 4, 4 };

	if (!(u->lcr_h & UARTLCR_H_FEN))
		return 1;
	return PL011_RX_FIFO * eighths[UARTIFLS_RXSEL(u->ifls)] / 8;
}

static uint32_t ris(const struct pl011 *u)
{
	uint32_t r = u->ris_tx;

	if (u->rx_count >= rx_trigger(u))
		r |= UARTINT_RX;
	if (u->rx_count)
		r |= UARTINT_RT;
	return r;
}

bool pl011_irq_level(const struct pl011 *u)
{
	return (ris(u) & u->imsc) != 0;
}

bool pl011_rx_ready(const struct pl011 *u)
{
	return u->rx_count < rx_capacity(u);
}

bool pl011_rx_push(struct pl011 *u, uint8_t c)
{
	if (!pl011_rx_ready(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % PL011_RX_FIFO] = c;
	u->rx_count++;
	return true;
}

static uint32_t rx_pop(struct pl011 *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % PL011_RX_FIFO;
	u->rx_count--;
	return c;
}

uint32_t pl011_read(struct pl011 *u, uint64_t off)
{
	uint32_t fr;

	if (off >= UARTPERIPHID0 && off < UARTPERIPHID0 + 0x20 && !(off & 3))
		return pl011_id[(off - UARTPERIPHID0) / 4];
	switch (off) {
	case UARTDR:
		return rx_pop(u);
	case UARTRSR:
		return 0;	/* no framing, parity, break or overrun errors, ever */
	case UARTFR:
		fr = UARTFR_TXFE;
		if (!u->rx_count)
			fr |= UARTFR_RXFE;
		if (u->rx_count >= rx_capacity(u))
			fr |= UARTFR_RXFF;
		return fr;
	case UARTILPR:	return u->ilpr;
	case UARTIBRD:	return u->ibrd;
	case UARTFBRD:	return u->fbrd;
	case UARTLCR_H:	return u->lcr_h;
	case UARTCR:	return u->cr;
	case UARTIFLS:	return u->ifls;
	case UARTIMSC:	return u->imsc;
	case UARTRIS:	return ris(u);
	case UARTMIS:	return ris(u) & u->imsc;
	case UARTDMACR:	return u->dmacr;
	default:	return 0;
	}
}

bool pl011_write(struct pl011 *u, uint64_t off, uint32_t val, uint8_t *tx)
{
	switch (off) {
	case UARTDR:
		*tx = (uint8_t)val;
		u->ris_tx = UARTINT_TX;
		return true;
	case UARTILPR:	u->ilpr = val & 0xff; break;
	case UARTIBRD:	u->ibrd = val & 0xffff; break;
	case UARTFBRD:	u->fbrd = val & 0x3f; break;
	case UARTLCR_H:
		/* Turning the FIFO off leaves one byte of room: drop the rest, as the hardware does. */
		if ((u->lcr_h & UARTLCR_H_FEN) && !(val & UARTLCR_H_FEN) && u->rx_count > 1)
			u->rx_count = 1;
		u->lcr_h = val & 0xff;
		break;
	case UARTCR:	u->cr = val & 0xffff; break;
	case UARTIFLS:	u->ifls = val & 0x3f; break;
	case UARTIMSC:	u->imsc = val & UARTINT_ALL; break;
	case UARTICR:
		if (val & UARTINT_TX)
			u->ris_tx = 0;
		break;
	case UARTDMACR:	u->dmacr = val & 7; break;
	default:	break;
	}
	return false;
}
