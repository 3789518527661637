/* SPDX-License-Identifier: MIT */
/*
 * The one physical console shared by moat's log and every VM's emulated
 * PL011: filtered, prefixed, whole lines, and the input focus (docs/console.md).
 */
#ifndef MOAT_CORE_CONSOLE_H
#define MOAT_CORE_CONSOLE_H
#include "core/coninput.h"
#include "lib/types.h"

struct vm;

/** Register moat's log with the console (after the physical UART is up). */
void console_init(void);
/** A byte VM @vm wrote to its UART. */
void console_vm_putc(struct vm *vm, char c);
/** Bytes received on the physical UART: focus keys, or input for the focused VM. */
void console_input(char c);
/** Print VM lines that waited long enough (from a periodic path: interrupts). */
void console_poll(void);
/** Input the focused VM's UART could not take yet: the queue (console.c). */
extern struct coninput console_in;
void console_drain_input(void);

/**
 * Retry input the focused VM's UART could not take yet; after every access
 * to a UART, so nothing to do is one comparison, without the lock. A byte
 * queued meanwhile was offered to the UART by its queuer after being
 * queued; if that offer found the FIFO full, it did so under the UART's
 * lock, before the access that made room, so this read sees the byte.
 */
static inline void console_flush_input(void)
{
	if (READ_ONCE(console_in.head) != READ_ONCE(console_in.tail))
		console_drain_input();
}
/** @vm stopped: its last line is printed, and if it had the input focus, the next running VM gets it. */
void console_vm_stopped(struct vm *vm);
/** VMs are all created: pick the first focus and the prefix mode. */
void console_vms_ready(void);
#endif
