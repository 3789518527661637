// SPDX-License-Identifier: MIT
/*
 * The one physical console: moat's log and every VM's emulated PL011
 * through the multiplexer (core/conmux.c: filter, prefixes, whole lines),
 * and the input focus (docs/console.md).
 */
#include "arch/pl011.h"
#include "core/conmux.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/vm.h"
#include "lib/log.h"
#include "lib/spinlock.h"

#define CONSOLE_ESCAPE 0x1c	/* Ctrl-\ */
#define INPUT_RING 256
/* A VM's unfinished line may be cut after this long without a byte from it. */
#define QUIET_MS 50

static spinlock_t out_lock = SPINLOCK_INIT;
static struct conmux mux;
static struct conmux_stream streams[CONFIG_MAX_VMS];
static volatile bool vms_ready;

static spinlock_t in_lock = SPINLOCK_INIT;
static int focus = -1;
static bool escape_seen;
static char in_ring[INPUT_RING];
static unsigned int in_head, in_tail;

static u64 now(void)
{
	u64 (*clock)(void) = READ_ONCE(log_clock);

	return clock ? clock() : 0;
}

static void log_console_write(const char *s, size_t n)
{
	spin_lock(&out_lock);
	conmux_log(&mux, s, n, now());
	spin_unlock(&out_lock);
}

/* The log takes the output lock itself: no separate log lock is needed. */
void console_init(void)
{
	conmux_init(&mux, pl011_putc, false, 0);
	log_write = log_console_write;
	log_lock = NULL;
	log_unlock = NULL;
}

static int vm_index(const struct vm *vm)
{
	for (unsigned int i = 0; i < nr_vms; i++)
		if (vms[i] == vm)
			return (int)i;
	return -1;
}

void console_vm_putc(struct vm *vm, char c)
{
	int i;

	/* A vCPU may run before the last VM is created: its first byte waits for the prefix mode. */
	while (!READ_ONCE(vms_ready)) {
		if (READ_ONCE(panic_in_progress))
			return;
		cpu_relax();
	}
	i = vm_index(vm);
	if (i < 0)
		return;
	spin_lock(&out_lock);
	conmux_putc(&mux, &streams[i], c, now());
	spin_unlock(&out_lock);
}

void console_poll(void)
{
	if (!READ_ONCE(vms_ready))
		return;
	spin_lock(&out_lock);
	conmux_poll(&mux, now());
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

/*
 * Called with in_lock held. Bytes typed for one VM never reach another:
 * whatever waits in the ring is dropped whenever the focus changes.
 */
static void set_focus(int i)
{
	if (!vm_running(i)) {
		log_info("console: no running VM %d; input stays with VM %d", i, focus);
		return;
	}
	if (i != focus)
		in_tail = in_head;
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
		if (c >= '0' && c <= '9') {
			set_focus(c - '0');
		} else if (c == 'n') {
			next = next_running(focus);
			set_focus(next >= 0 ? next : (focus + 1) % (int)nr_vms);
		} else if (c == '?') {
			list_vms();
		} else {
			queue_input(c);
		}
	} else if (c == CONSOLE_ESCAPE) {
		escape_seen = true;
	} else {
		queue_input(c);
	}
	spin_unlock(&in_lock);
}

void console_vms_ready(void)
{
	bool prefix = nr_vms > 1;

	/* A test VM's lines are always marked, so they never look like moat's own. */
	for (unsigned int i = 0; i < nr_vms; i++)
		prefix |= vms[i]->cfg->test_device;
	spin_lock(&out_lock);
	mux.prefix = prefix;
	mux.quiet = log_clock_hz * QUIET_MS / 1000;
	for (unsigned int i = 0; i < nr_vms; i++)
		conmux_add(&mux, &streams[i], vms[i]->name, vms[i]->cfg->console_raw && nr_vms == 1);
	spin_unlock(&out_lock);
	WRITE_ONCE(vms_ready, true);

	spin_lock(&in_lock);
	for (unsigned int i = 0; i < nr_vms; i++)
		if (vms[i]->cfg->console && focus < 0)
			focus = (int)i;
	if (focus < 0 && nr_vms)
		focus = 0;
	if (nr_vms > 1 && focus >= 0)
		log_info("console input -> VM %d (%s); Ctrl-\\ then a VM number or 'n' switches",
			 focus, vms[focus]->name);
	spin_unlock(&in_lock);
}

void console_vm_stopped(struct vm *vm)
{
	int i = vm_index(vm);

	if (i < 0)
		return;
	if (READ_ONCE(vms_ready)) {
		spin_lock(&out_lock);
		conmux_end(&mux, &streams[i], now());
		spin_unlock(&out_lock);
	}
	/* moat's own count of a test VM's reports: the runner checks it against the plan. */
	if (vm->cfg->test_device)
		log_info("%s: reports: %u ok, %u not ok", vm->name, vm->testdev.reports_ok,
			 vm->testdev.reports_failed);

	spin_lock(&in_lock);
	if (focus == i) {
		/* Input typed for the stopped VM goes nowhere else. */
		in_tail = in_head;
		if (next_running(focus) >= 0)
			set_focus(next_running(focus));
	}
	spin_unlock(&in_lock);
}
