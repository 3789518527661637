// SPDX-License-Identifier: MIT
#include "arch/pl011.h"
#include "core/console.h"
#include "core/vm.h"
#include "lib/log.h"
#include "lib/spinlock.h"

#define CONSOLE_ESCAPE 0x1c	/* Ctrl-\ */
#define INPUT_RING 256

static spinlock_t out_lock = SPINLOCK_INIT;
static const struct vm *last_writer;	/* NULL: moat's log */
static bool at_line_start = true;
static bool prefix_lines;		/* more than one VM */

static spinlock_t in_lock = SPINLOCK_INIT;
static int focus = -1;
static bool escape_seen;
static char in_ring[INPUT_RING];
static unsigned int in_head, in_tail;

static void raw_putc(char c)
{
	pl011_putc(c);
	at_line_start = c == '\n';
}

static void end_foreign_line(const struct vm *writer)
{
	if (!at_line_start && last_writer != writer) {
		pl011_putc('\r');
		raw_putc('\n');
	}
	last_writer = writer;
}

static void log_console_write(const char *s, size_t n)
{
	spin_lock(&out_lock);
	end_foreign_line(NULL);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		raw_putc(s[i]);
	}
	spin_unlock(&out_lock);
}

/* The log takes the output lock itself: no separate log lock is needed. */
void console_init(void)
{
	log_write = log_console_write;
	log_lock = NULL;
	log_unlock = NULL;
}

void console_vm_putc(struct vm *vm, char c)
{
	spin_lock(&out_lock);
	end_foreign_line(vm);
	if (at_line_start && prefix_lines && c != '\r' && c != '\n') {
		pl011_putc('[');
		for (const char *p = vm->name; *p; p++)
			pl011_putc(*p);
		pl011_putc(']');
		pl011_putc(' ');
	}
	raw_putc(c);
	spin_unlock(&out_lock);
}

static bool vm_running(int i)
{
	return i >= 0 && (unsigned int)i < nr_vms && !vms[i]->stopped;
}

/* The first running VM after @from, going round; -1 if none. */
static int next_running(int from)
{
	for (int step = 1; step <= (int)nr_vms; step++)
		if (vm_running((from + step) % (int)nr_vms))
			return (from + step) % (int)nr_vms;
	return -1;
}

static void set_focus(int i)
{
	if (!vm_running(i)) {
		log_info("console: no running VM %d; input stays with VM %d", i, focus);
		return;
	}
	focus = i;
	log_info("console input -> VM %d (%s)", i, vms[i]->name);
}

static void list_vms(void)
{
	for (unsigned int i = 0; i < nr_vms; i++)
		log_info("console: VM %u (%s)%s%s", i, vms[i]->name, vms[i]->stopped ? " stopped" : "",
			 (int)i == focus ? " <- input" : "");
}

/* Called with in_lock held. */
static void drain_ring(void)
{
	while (in_tail != in_head && vm_running(focus)) {
		if (vm_uart_input(vms[focus], in_ring[in_tail % INPUT_RING]))
			break;
		in_tail++;
	}
}

void console_flush_input(void)
{
	spin_lock(&in_lock);
	drain_ring();
	spin_unlock(&in_lock);
}

static void queue_input(char c)
{
	if (in_head - in_tail < INPUT_RING)
		in_ring[in_head++ % INPUT_RING] = c;
	drain_ring();
}

void console_input(char c)
{
	int next;

	spin_lock(&in_lock);
	if (escape_seen) {
		escape_seen = false;
		spin_unlock(&in_lock);
		if (c >= '0' && c <= '9') {
			set_focus(c - '0');
		} else if (c == 'n') {
			next = next_running(focus);
			set_focus(next >= 0 ? next : (focus + 1) % (int)nr_vms);
		} else if (c == '?') {
			list_vms();
		} else {
			spin_lock(&in_lock);
			queue_input(c);
			spin_unlock(&in_lock);
		}
		return;
	}
	if (c == CONSOLE_ESCAPE) {
		escape_seen = true;
		spin_unlock(&in_lock);
		return;
	}
	queue_input(c);
	spin_unlock(&in_lock);
}

void console_vms_ready(void)
{
	prefix_lines = nr_vms > 1;
	for (unsigned int i = 0; i < nr_vms; i++)
		if (vms[i]->cfg->console && focus < 0)
			focus = (int)i;
	if (focus < 0 && nr_vms)
		focus = 0;
	if (nr_vms > 1 && focus >= 0)
		log_info("console input -> VM %d (%s); Ctrl-\\ then a VM number or 'n' switches",
			 focus, vms[focus]->name);
}

void console_vm_stopped(struct vm *vm)
{
	int next;

	spin_lock(&in_lock);
	if (focus < 0 || vms[focus] != vm) {
		spin_unlock(&in_lock);
		return;
	}
	next = next_running(focus);
	spin_unlock(&in_lock);
	if (next >= 0)
		set_focus(next);
}
