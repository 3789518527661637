/* SPDX-License-Identifier: MIT */
/*
 * The guest's console: a PL011 register model, enough for Linux's
 * amba-pl011 driver. No locking and no I/O here: the caller serialises
 * calls, sends TX bytes where it likes and drives the interrupt line from
 * pl011_irq_level() after each call (console.c).
 */
#ifndef VMM_PL011_H
#define VMM_PL011_H
#include <stdint.h>
#include <stdbool.h>

#define PL011_SIZE		0x1000
#define PL011_RX_FIFO		32	/* the PL011's FIFO depth */

/* Register offsets (PL011 TRM, section 3.2). */
#define UARTDR			0x000
#define UARTRSR			0x004
#define UARTFR			0x018
#define UARTILPR		0x020
#define UARTIBRD		0x024
#define UARTFBRD		0x028
#define UARTLCR_H		0x02c
#define UARTCR			0x030
#define UARTIFLS		0x034
#define UARTIMSC		0x038
#define UARTRIS			0x03c
#define UARTMIS			0x040
#define UARTICR			0x044
#define UARTDMACR		0x048
#define UARTPERIPHID0		0xfe0
#define UARTPCELLID0		0xff0

#define UARTFR_BUSY		(1u << 3)
#define UARTFR_RXFE		(1u << 4)
#define UARTFR_TXFF		(1u << 5)
#define UARTFR_RXFF		(1u << 6)
#define UARTFR_TXFE		(1u << 7)
#define UARTLCR_H_FEN		(1u << 4)
#define UARTINT_RX		(1u << 4)
#define UARTINT_TX		(1u << 5)
#define UARTINT_RT		(1u << 6)
#define UARTINT_ALL		0x7ffu
#define UARTIFLS_RXSEL(v)	(((v) >> 3) & 7u)

struct pl011 {
	uint8_t rx[PL011_RX_FIFO];
	unsigned int rx_head, rx_count;
	uint32_t ris_tx;	/* latched TX interrupt: set by a write to DR, cleared by ICR */
	uint32_t imsc, lcr_h, cr, ifls, ibrd, fbrd, ilpr, dmacr;
};

void pl011_reset(struct pl011 *u);
/*
 * A guest access of len bytes at offset off. A write may produce a TX
 * byte: *tx is set to it and true returned (false otherwise). A read of
 * an unknown register is 0, a write to one is ignored.
 */
uint32_t pl011_read(struct pl011 *u, uint64_t off);
bool pl011_write(struct pl011 *u, uint64_t off, uint32_t val, uint8_t *tx);
/* Room for another received byte? (The FIFO holds 1 when the guest turned it off.) */
bool pl011_rx_ready(const struct pl011 *u);
/* Queue a received byte; false if there is no room (the caller waits for pl011_rx_ready). */
bool pl011_rx_push(struct pl011 *u, uint8_t c);
/* The interrupt line: some status bit that the mask lets through. */
bool pl011_irq_level(const struct pl011 *u);
#endif
