/* SPDX-License-Identifier: MIT */
#ifndef MOAT_ARCH_PL011_H
#define MOAT_ARCH_PL011_H
#include "lib/types.h"

/** Use the PL011 at physical (= hypervisor virtual) address @base. */
void pl011_init(u64 base);
/** True once pl011_init() has run. */
bool pl011_ready(void);
/** Write one byte, waiting while the FIFO is full. */
void pl011_putc(char c);
/** Write @n bytes, turning "\n" into "\r\n". */
void pl011_write_str(const char *s, size_t n);
/** One received byte, or -1 when none is waiting. */
int pl011_getc(void);
/** Raise the UART's interrupt when bytes arrive (reading them lowers it). */
void pl011_enable_rx_irq(void);
#endif
