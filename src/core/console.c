// SPDX-License-Identifier: MIT
/*
 * The one physical console: moat's log and every VM's emulated PL011
 * through the multiplexer (core/conmux.c: filter, prefixes, whole lines),
 * and the input focus (docs/console.md).
 */
#include "arch/pl011.h"
#include "core/coninput.h"
#include "core/conmux.h"
#include "core/console.h"
#include "core/host.h"
#include "core/exit_stats.h"
#include "core/panic.h"
#include "core/tlbi_trap.h"
#include "core/vm.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include <string.h>

/* A VM's unfinished line may be cut after this long without a byte from it. */
#define QUIET_MS 50

static spinlock_t out_lock = SPINLOCK_INIT;
static struct conmux mux;
static struct conmux_stream streams[CONFIG_MAX_VMS];
static volatile bool vms_ready;

static spinlock_t in_lock = SPINLOCK_INIT;
struct coninput console_in;

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
	/*
	 * Every physical interrupt comes here: skip the lock when no VM has a
	 * partial line waiting. A line another CPU is adding to right now is
	 * that CPU's to print (conmux_putc pumps).
	 */
	if (!READ_ONCE(vms_ready) || !conmux_waiting(&mux))
		return;
	spin_lock(&out_lock);
	conmux_poll(&mux, now());
	spin_unlock(&out_lock);
}

static bool vm_running(void *ctx, int i)
{
	(void)ctx;
	return i >= 0 && (unsigned int)i < nr_vms && !vms[i]->stopped;
}

static int vm_deliver(void *ctx, int i, char c)
{
	(void)ctx;
	return vm_uart_input(vms[i], c);
}

static const struct coninput_ops input_ops = {
	.running = vm_running,
	.deliver = vm_deliver,
};

static void stats_line(void *ctx, const char *line)
{
	(void)ctx;
	log_info("%s", line);
}

/*
 * Ctrl-\ s: every VM's exit statistics. The counters of running vCPUs are
 * read as they are (each a u64 its own CPU updates): a snapshot, not a
 * consistent cut.
 */
static void vm_exit_stats_print(void)
{
	static struct exit_stats per[VM_MAX_VCPUS];

	for (unsigned int i = 0; i < nr_vms; i++) {
		struct vm *vm = vms[i];

		for (u32 c = 0; c < vm->nr_vcpus; c++) {
			per[c] = vm->vcpus[c].xstats;
			per[c].r[EXIT_R_HVC_FAST].count = READ_ONCE(vm->vcpus[c].ctx.fast_hvc);
			per[c].r[EXIT_R_SYSREG_FAST].count = READ_ONCE(vm->vcpus[c].ctx.fast_id);
		}
		exit_stats_format(vm->name, per, vm->nr_vcpus, log_clock_hz, stats_line, NULL);
		tlbi_trap_report(vm);	/* its trapped TLBIs by operation, when it traps them */
	}
}

/* Ctrl-\ z: a concurrent exit may still add its own count to the zeros. */
static void vm_exit_stats_reset(void)
{
	for (unsigned int i = 0; i < nr_vms; i++)
		vm_exit_stats_zero(vms[i]);
}

/* Called with in_lock held (the log's out_lock nests inside it). */
static void tell(enum coninput_event ev)
{
	switch (ev) {
	case CONINPUT_FOCUS:
		log_info("console input -> VM %d (%s)", console_in.focus, vms[console_in.focus]->name);
		break;
	case CONINPUT_REFUSED:
		log_info("console: no running VM %d; input stays with VM %d", console_in.asked, console_in.focus);
		break;
	case CONINPUT_STATS:
		vm_exit_stats_print();
		break;
	case CONINPUT_STATS_RESET:
		vm_exit_stats_reset();
		log_info("console: exit statistics reset");
		break;
	case CONINPUT_LIST:
		for (unsigned int i = 0; i < nr_vms; i++)
			log_info("console: VM %u (%s)%s%s", i, vms[i]->name,
				 vms[i]->stopped ? " stopped" : "", (int)i == console_in.focus ? " <- input" : "");
		break;
	case CONINPUT_CHECK:
		host_check();
		break;
	default:
		break;
	}
}

void console_drain_input(void)
{
	if (!READ_ONCE(vms_ready))
		return;
	spin_lock(&in_lock);
	coninput_drain(&console_in);
	spin_unlock(&in_lock);
}

void console_input(char c)
{
	if (!READ_ONCE(vms_ready))
		return;
	spin_lock(&in_lock);
	tell(coninput_byte(&console_in, c));
	spin_unlock(&in_lock);
}

void console_vms_ready(void)
{
	bool prefix = nr_vms > 1;
	int focus = -1;

	/* A test VM's lines are always marked, so they never look like moat's own. */
	for (unsigned int i = 0; i < nr_vms; i++)
		prefix |= vms[i]->cfg->test_device;
	spin_lock(&out_lock);
	mux.prefix = prefix;
	mux.quiet = log_clock_hz * QUIET_MS / 1000;
	for (unsigned int i = 0; i < nr_vms; i++)
		conmux_add(&mux, &streams[i], vms[i]->name, vms[i]->cfg->console_raw && nr_vms == 1);
	spin_unlock(&out_lock);

	for (unsigned int i = 0; i < nr_vms; i++)
		if (vms[i]->cfg->console && focus < 0)
			focus = (int)i;
	if (focus < 0 && nr_vms)
		focus = 0;
	spin_lock(&in_lock);
	coninput_init(&console_in, &input_ops, NULL, (int)nr_vms, focus);
	spin_unlock(&in_lock);
	WRITE_ONCE(vms_ready, true);
	if (nr_vms > 1 && focus >= 0)
		log_info("console input -> VM %d (%s); Ctrl-\\ then a VM number or 'n' switches",
			 focus, vms[focus]->name);
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

	/* Input typed for the stopped VM goes nowhere else. */
	if (READ_ONCE(vms_ready)) {
		spin_lock(&in_lock);
		if (coninput_stopped(&console_in, i))
			tell(CONINPUT_FOCUS);
		spin_unlock(&in_lock);
	}
}
