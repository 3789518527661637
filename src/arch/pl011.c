// SPDX-License-Identifier: MIT
/* The physical console: an Arm PL011 UART, polled. */
#include "arch/pl011.h"
#include "lib/bitfield.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF BIT(5)
#define UARTFR_RXFE BIT(4)
#define UARTFR_BUSY BIT(3)
#define UARTIMSC 0x38
#define UARTIMSC_RXIM BIT(4)
#define UARTIMSC_RTIM BIT(6)
#define UARTICR 0x44

static volatile u8 *pl011_base;

static inline u32 pl011_read(u32 off)
{
	return *(volatile u32 *)(pl011_base + off);
}

static inline void pl011_write(u32 off, u32 v)
{
	*(volatile u32 *)(pl011_base + off) = v;
}

/*
 * The firmware (or QEMU) has set the baud rate and enabled the UART; moat
 * keeps that configuration rather than guessing a reference clock.
 */
void pl011_init(u64 base)
{
	pl011_base = (volatile u8 *)base;
}

bool pl011_ready(void)
{
	return pl011_base != NULL;
}

void pl011_putc(char c)
{
	if (!pl011_base)
		return;
	while (pl011_read(UARTFR) & UARTFR_TXFF)
		;
	pl011_write(UARTDR, (u8)c);
}

void pl011_write_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}

int pl011_getc(void)
{
	if (!pl011_base || (pl011_read(UARTFR) & UARTFR_RXFE))
		return -1;
	return (int)(pl011_read(UARTDR) & 0xff);
}

void pl011_enable_rx_irq(void)
{
	if (pl011_base) {
		pl011_write(UARTICR, 0x7ff);
		pl011_write(UARTIMSC, UARTIMSC_RXIM | UARTIMSC_RTIM);
	}
}
