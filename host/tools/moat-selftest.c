// SPDX-License-Identifier: MIT
/*
 * moat-selftest: drives /dev/moat (moat.ko, docs/hosted.md) from the
 * host's shell. Three parts, one output line per check
 * ("moat-selftest: ok - NAME" or "moat-selftest: not ok - NAME: why"),
 * then a tally; exit status 0 only when every check passed:
 *
 *  - bad input (issue 11, test 6): every ioctl with wrong sizes, bad
 *    values, unaligned or unmapped addresses, memory another VM has, a
 *    destroyed VM's descriptor, one vCPU run by two threads at once; each
 *    must fail with its errno, and a witness VM must run before and after;
 *  - cycles (test 5): create and destroy N VMs (default 20), each running
 *    a tiny payload (an MMIO write, an MMIO read, the value read written
 *    back, PSCI SYSTEM_OFF; every other VM is protected: reading its
 *    memory gets SIGBUS while it lives, and it comes back scrubbed);
 *    afterwards moat's counters (MOAT_GET_STATS,
 *    printed) equal their start and MOAT_CHECK passes.
 *
 *  - waits: a vCPU in WFI wakes at its timer's deadline; a vCPU that is
 *    off, its thread asleep in MOAT_RUN, wakes when its sibling's PSCI
 *    CPU_ON makes moat ring the doorbell; a vCPU waiting in WFI takes the
 *    SPI the VMM raises with MOAT_IRQ_LINE from its emulated GIC.
 *
 *  - time (a figure for make bench-hosted, not a test): N times (default 3)
 *    each, a shared then a protected VM with 2 vCPUs and 256 MiB is
 *    created, given all its memory and destroyed; each phase is timed with
 *    clock_gettime and printed, then the best total of each kind; moat's
 *    counters must be back at their start afterwards.
 *
 * Usage: moat-selftest [bad|waits|cycles [N]|time [N]]   (no argument: all but time, 20 cycles)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "moat/hypercall.h"
#include "moat_ioctl.h"

#define RAM_IPA		0x40000000ULL
#define RAM_SIZE	(2ULL << 20)
#define MMIO_ADDR	0x0a000000ULL	/* nothing there: every access exits to us */
#define WRITE_VALUE	0xdeadbeefULL
#define IPA_BITS	36

/*
 * The guest payload, position independent (the MMU is off, so these are
 * IPAs): a 4-byte MMIO write of WRITE_VALUE at MMIO_ADDR, an 8-byte read
 * at +8, the value read written back at +16, then PSCI SYSTEM_OFF by HVC.
 * payload_spin loops forever (for the two-thread run).
 */
extern const unsigned char payload[], payload_spin[], payload_wfi[], payload_cpu_on[],
	payload_secondary[], payload_irq[], payload_end[];
__asm__(".section .rodata\n"
	".balign 4\n"
	/* Global, each: a C reference to a local label here goes through a GOT
	 * entry that the static link resolves to the section's first label. */
	".globl payload, payload_spin, payload_wfi, payload_cpu_on, payload_secondary, payload_irq, payload_end\n"
	"payload:\n"
	"	movz x1, #0x0a00, lsl #16\n"
	"	movz w2, #0xbeef\n"
	"	movk w2, #0xdead, lsl #16\n"
	"	str w2, [x1]\n"
	"	ldr x3, [x1, #8]\n"
	"	str x3, [x1, #16]\n"
	"	movz w0, #0x0008\n"
	"	movk w0, #0x8400, lsl #16\n"	/* PSCI_SYSTEM_OFF */
	"	hvc #0\n"
	"1:	b 1b\n"
	"payload_spin:\n"
	"	b payload_spin\n"
	/*
	 * payload_wfi: arm the virtual timer ~1 ms ahead (65536 ticks at
	 * QEMU's 62.5 MHz), WFI until it fires (interrupts stay masked: WFI
	 * still wakes), then write CNTV_CTL (ISTATUS set) to MMIO_ADDR + 0x20.
	 */
	"payload_wfi:\n"
	"	mrs x1, cntvct_el0\n"
	"	add x1, x1, #16, lsl #12\n"
	"	msr cntv_cval_el0, x1\n"
	"	mov x2, #1\n"			/* ENABLE, not IMASK */
	"	msr cntv_ctl_el0, x2\n"
	"	isb\n"
	"2:	wfi\n"
	"	mrs x3, cntv_ctl_el0\n"
	"	tbz x3, #2, 2b\n"		/* ISTATUS */
	"	msr cntv_ctl_el0, xzr\n"
	"	movz x1, #0x0a00, lsl #16\n"
	"	str x3, [x1, #0x20]\n"
	"3:	b 3b\n"
	/*
	 * payload_cpu_on (vCPU 0): PSCI CPU_ON of vCPU 1 at payload_secondary
	 * with context 0x42, then its result to MMIO_ADDR + 0x28.
	 * payload_secondary writes its x0 (the context) to MMIO_ADDR + 0x30.
	 */
	"payload_cpu_on:\n"
	"	movz w0, #0x0003\n"
	"	movk w0, #0xc400, lsl #16\n"	/* PSCI_CPU_ON, SMC64 */
	"	mov x1, #1\n"
	"	adr x2, payload_secondary\n"
	"	mov x3, #0x42\n"
	"	hvc #0\n"
	"	movz x1, #0x0a00, lsl #16\n"
	"	str x0, [x1, #0x28]\n"
	"4:	b 4b\n"
	"payload_secondary:\n"
	"	movz x1, #0x0a00, lsl #16\n"
	"	str x0, [x1, #0x30]\n"
	"5:	b 5b\n"
	/*
	 * payload_irq: enable SPI 32 (group 1, to this vCPU) in the emulated
	 * GICv3, wake the redistributor, say so with a write of 1 to
	 * MMIO_ADDR + 0x38, then WFI (interrupts masked: WFI still wakes)
	 * until the CPU interface has an interrupt, and write its INTID to
	 * MMIO_ADDR + 0x40.
	 */
	"payload_irq:\n"
	"	mov x0, #7\n"
	"	msr icc_sre_el1, x0\n"
	"	isb\n"
	"	mov x0, #0xff\n"
	"	msr icc_pmr_el1, x0\n"
	"	mov x0, #1\n"
	"	msr icc_igrpen1_el1, x0\n"
	"	isb\n"
	"	movz x1, #0x0800, lsl #16\n"	/* GICD */
	"	mov w2, #0x12\n"		/* GICD_CTLR: ARE, EnableGrp1 */
	"	str w2, [x1]\n"
	"	mov w2, #1\n"
	"	str w2, [x1, #0x84]\n"		/* GICD_IGROUPR1: SPI 32 in group 1 */
	"	str xzr, [x1, #0x6100]\n"		/* GICD_IROUTER32: affinity 0 */
	"	str w2, [x1, #0x104]\n"		/* GICD_ISENABLER1: SPI 32 */
	"	movz x3, #0x080a, lsl #16\n"	/* vCPU 0's redistributor */
	"	ldr w4, [x3, #0x14]\n"		/* GICR_WAKER */
	"	bic w4, w4, #2\n"			/* ProcessorSleep */
	"	str w4, [x3, #0x14]\n"
	"	movz x5, #0x0a00, lsl #16\n"
	"	str w2, [x5, #0x38]\n"
	"6:	wfi\n"
	"	mrs x0, icc_iar1_el1\n"
	"	cmp x0, #1023\n"			/* spurious: nothing pending */
	"	b.eq 6b\n"
	"	msr icc_eoir1_el1, x0\n"
	"	str x0, [x5, #0x40]\n"
	"7:	b 7b\n"
	"payload_end:\n"
	".previous\n");

/* Offset of a payload label (through integers: the labels are distinct objects to C). */
static uint64_t off(const unsigned char *label)
{
	return (uintptr_t)label - (uintptr_t)payload;
}

#define PAYLOAD_SIZE ((size_t)off(payload_end))

static int n_ok, n_bad;
static int dev = -1;

static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(int ok, const char *name, const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	if (ok) {
		n_ok++;
		printf("moat-selftest: ok - %s\n", name);
	} else {
		n_bad++;
		printf("moat-selftest: not ok - %s: %s\n", name, why);
	}
	fflush(stdout);
}

/* ioctl as 0 / a result >= 0, or -errno. */
static long xioctl(int fd, unsigned long cmd, void *arg)
{
	long r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

static const char *ename(long r)
{
	static char buf[4][32];
	static int i;
	const char *n;

	if (r >= 0) {
		snprintf(buf[i & 3], sizeof(buf[0]), "%ld", r);
		return buf[i++ & 3];
	}
	n = strerrorname_np((int)-r);
	return n ? n : "?";
}

/* The call must fail with exactly -want. */
static void expect_err(const char *name, long got, int want)
{
	check(got == -want, name, "got %s, want %s", ename(got), ename(-want));
}

static void expect_ok(const char *name, long got)
{
	check(got >= 0, name, "got %s", ename(got));
}

static int create_vm(uint32_t flags, uint32_t nr_vcpus, uint64_t mem)
{
	struct moat_vm_create c = { .flags = flags, .nr_vcpus = nr_vcpus,
				    .ipa_bits = IPA_BITS, .mem_size = mem };

	return (int)xioctl(dev, MOAT_CREATE_VM, &c);
}

static long add_memory(int vm, uint64_t ipa, void *addr, uint64_t size)
{
	struct moat_memory m = { .guest_ipa = ipa, .userspace_addr = (uintptr_t)addr, .size = size };

	return xioctl(vm, MOAT_ADD_MEMORY, &m);
}

static long create_vcpu(int vm, uint32_t vcpu, uint64_t pc)
{
	struct moat_vcpu_init v = { .vcpu = vcpu, .pc = pc };

	return xioctl(vm, MOAT_CREATE_VCPU, &v);
}

/* RAM_SIZE bytes of anonymous memory. */
static void *guest_ram(void)
{
	void *p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("moat-selftest: mmap");
		exit(2);
	}
	return p;
}

static int get_stats(struct moat_stats *s)
{
	long r = xioctl(dev, MOAT_GET_STATS, s);

	if (r < 0)
		check(0, "MOAT_GET_STATS", "got %s", ename(r));
	return (int)r;
}

static void print_stats(const char *when, const struct moat_stats *s)
{
	printf("moat-selftest: stats %s: free_pages=%llu host_pages=%llu vms=%llu\n", when,
	       (unsigned long long)s->free_pages, (unsigned long long)s->host_pages,
	       (unsigned long long)s->vms);
}

/* The payload's exits, in order. */
enum { EXIT_WRITE, EXIT_READ, EXIT_WRITE_BACK, EXIT_OFF, NR_EXITS };

/*
 * Runs vCPU 0 of @vm through the payload's exits from..to-1 (an MMIO read
 * is answered with @token); returns NULL when each was the expected one,
 * or what went wrong.
 */
static const char *run_payload(int vm, int from, int to, uint64_t token, char *why, size_t len)
{
	static const struct { uint64_t addr; uint32_t len, is_write; } mmio[] = {
		[EXIT_WRITE] = { MMIO_ADDR, 4, 1 },
		[EXIT_READ] = { MMIO_ADDR + 8, 8, 0 },
		[EXIT_WRITE_BACK] = { MMIO_ADDR + 16, 8, 1 },
	};
	struct moat_vcpu_run run = { .vcpu = 0 };
	int e;
	long r;

	for (e = from; e < to; e++) {
		/* Answers the previous exit when it was the read. */
		run.mmio.data = token;
		r = xioctl(vm, MOAT_RUN, &run);
		if (e == EXIT_OFF) {
			if (r < 0 || run.reason != MOAT_EXIT_SYSTEM_EVENT ||
			    run.system_event.type != MOAT_SYSTEM_OFF) {
				snprintf(why, len, "exit %d: %s reason %u type %u, want SYSTEM_EVENT OFF",
					 e + 1, ename(r), run.reason, run.system_event.type);
				return why;
			}
			continue;
		}
		if (r < 0 || run.reason != MOAT_EXIT_MMIO || run.mmio.addr != mmio[e].addr ||
		    run.mmio.len != mmio[e].len || run.mmio.is_write != mmio[e].is_write ||
		    (e == EXIT_WRITE && run.mmio.data != WRITE_VALUE) ||
		    (e == EXIT_WRITE_BACK && run.mmio.data != token)) {
			snprintf(why, len, "exit %d: %s reason %u addr 0x%llx len %u write %u data 0x%llx; want MMIO addr 0x%llx len %u write %u",
				 e + 1, ename(r), run.reason, (unsigned long long)run.mmio.addr,
				 run.mmio.len, run.mmio.is_write, (unsigned long long)run.mmio.data,
				 (unsigned long long)mmio[e].addr, mmio[e].len, mmio[e].is_write);
			return why;
		}
	}
	return NULL;
}

/*
 * A VM with @ram (RAM_SIZE bytes, the payload copied in first: a protected
 * VM's memory leaves the host) at RAM_IPA and vCPU 0 at the payload: its
 * fd, or -errno with *step the ioctl that failed.
 */
static int payload_vm(uint32_t flags, void *ram, const char **step)
{
	int vm;
	long r;

	memcpy(ram, payload, PAYLOAD_SIZE);
	*step = "MOAT_CREATE_VM";
	vm = create_vm(flags, 1, RAM_SIZE);
	if (vm < 0)
		return vm;
	*step = "MOAT_ADD_MEMORY";
	r = add_memory(vm, RAM_IPA, ram, RAM_SIZE);
	if (r >= 0) {
		*step = "MOAT_CREATE_VCPU";
		r = create_vcpu(vm, 0, RAM_IPA);
	}
	if (r < 0) {
		close(vm);
		return (int)r;
	}
	return vm;
}

static void witness(const char *name, int vm, int from, int to, uint64_t token)
{
	char why[256];
	const char *bad = run_payload(vm, from, to, token, why, sizeof(why));

	check(!bad, name, "%s", bad);
}

/* moat's counters are back to @s0 and its ownership checker passes. */
static void back_to_start(const char *part, const struct moat_stats *s0)
{
	struct moat_stats s1;
	char name[128];

	if (get_stats(&s1) < 0)
		return;
	print_stats("after", &s1);
	snprintf(name, sizeof(name), "%s: moat's free pages are back to their start", part);
	check(s1.free_pages == s0->free_pages, name, "%llu, was %llu",
	      (unsigned long long)s1.free_pages, (unsigned long long)s0->free_pages);
	snprintf(name, sizeof(name), "%s: the host's pages are back to their start", part);
	check(s1.host_pages == s0->host_pages, name, "%llu, was %llu",
	      (unsigned long long)s1.host_pages, (unsigned long long)s0->host_pages);
	snprintf(name, sizeof(name), "%s: no hosted VM left", part);
	check(s1.vms == s0->vms, name, "%llu, was %llu",
	      (unsigned long long)s1.vms, (unsigned long long)s0->vms);
	snprintf(name, sizeof(name), "%s: MOAT_CHECK passes", part);
	expect_ok(name, xioctl(dev, MOAT_CHECK, NULL));
}

/* ---- one vCPU, two threads --------------------------------------------- */

struct runner {
	pthread_t t;
	int vm;
	long r;
	volatile int done;
};

static void on_usr1(int sig)
{
	(void)sig;
}

static void *runner_main(void *arg)
{
	struct runner *rn = arg;
	struct moat_vcpu_run run = { .vcpu = 0 };

	rn->r = xioctl(rn->vm, MOAT_RUN, &run);
	__atomic_store_n(&rn->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Both threads run vCPU 0 (it spins): one gets EBUSY; destroy is refused
 * while the other runs; a signal stops that one with EINTR. A generous
 * bound only turns a hang into a failed check.
 */
static void two_runners(int vm)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	struct runner rn[2] = { { .vm = vm }, { .vm = vm } };
	int first = -1, i, waited;

	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&rn[i].t, NULL, runner_main, &rn[i]);
	for (waited = 0; first < 0 && waited < 60000; waited += 10) {
		for (i = 0; i < 2; i++)
			if (__atomic_load_n(&rn[i].done, __ATOMIC_ACQUIRE))
				first = i;
		if (first < 0)
			sleep_ms(10);
	}
	if (first < 0) {
		check(0, "a vCPU run by two threads at once: the second gets EBUSY",
		      "neither thread returned within 60 s");
		exit(1);
	}
	expect_err("a vCPU run by two threads at once: the second gets EBUSY", rn[first].r, EBUSY);
	expect_err("MOAT_DESTROY_VM while a vCPU runs", xioctl(vm, MOAT_DESTROY_VM, NULL), EBUSY);
	i = !first;
	/* Repeat: a signal that lands before the thread enters the ioctl is lost. */
	for (waited = 0; !__atomic_load_n(&rn[i].done, __ATOMIC_ACQUIRE) && waited < 60000; waited += 50) {
		pthread_kill(rn[i].t, SIGUSR1);
		sleep_ms(50);
	}
	if (!__atomic_load_n(&rn[i].done, __ATOMIC_ACQUIRE)) {
		check(0, "a signal ends MOAT_RUN with EINTR", "the running thread did not return within 60 s");
		exit(1);
	}
	expect_err("a signal ends MOAT_RUN with EINTR", rn[i].r, EINTR);
	for (i = 0; i < 2; i++)
		pthread_join(rn[i].t, NULL);
}

/* ---- waiting: a timer deadline, a vCPU woken from OFF ------------------- */

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * One MOAT_RUN that must end in an MMIO write of @want at @addr. A run
 * that never comes back is cut by SIGALRM (EINTR) after a generous 120 s,
 * so a lost wake-up is a failed check, not a hung test.
 */
static void expect_mmio_write(const char *name, int vm, uint32_t vcpu, uint64_t addr, uint64_t want)
{
	struct moat_vcpu_run run = { .vcpu = vcpu };
	long r;

	alarm(120);
	r = xioctl(vm, MOAT_RUN, &run);
	alarm(0);
	check(r == 0 && run.reason == MOAT_EXIT_MMIO && run.mmio.is_write && run.mmio.addr == addr &&
	      run.mmio.data == want, name,
	      "%s reason %u addr 0x%llx write %u data 0x%llx; want a write of 0x%llx at 0x%llx",
	      ename(r), run.reason, (unsigned long long)run.mmio.addr, run.mmio.is_write,
	      (unsigned long long)run.mmio.data, (unsigned long long)want, (unsigned long long)addr);
}

struct off_runner {
	pthread_t t;
	int vm;
	long r;
	struct moat_vcpu_run run;
	int done;
};

static void *off_runner_main(void *arg)
{
	struct off_runner *o = arg;

	o->r = xioctl(o->vm, MOAT_RUN, &o->run);
	__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Waits for the runner's MOAT_RUN to end in an MMIO write of @want at
 * @addr. Bounded by a SIGALRM to the thread after a generous 120 s: a lost
 * wake-up fails the check instead of hanging.
 */
static void join_runner(struct off_runner *o, const char *name, uint64_t addr, uint64_t want)
{
	for (int waited = 0; waited < 120000 && !__atomic_load_n(&o->done, __ATOMIC_ACQUIRE);
	     waited += 100)
		sleep_ms(100);
	if (!__atomic_load_n(&o->done, __ATOMIC_ACQUIRE))
		pthread_kill(o->t, SIGALRM);
	pthread_join(o->t, NULL);
	check(o->r == 0 && o->run.reason == MOAT_EXIT_MMIO && o->run.mmio.is_write &&
	      o->run.mmio.addr == addr && o->run.mmio.data == want, name,
	      "%s reason %u addr 0x%llx data 0x%llx; want a write of 0x%llx at 0x%llx", ename(o->r),
	      o->run.reason, (unsigned long long)o->run.mmio.addr,
	      (unsigned long long)o->run.mmio.data, (unsigned long long)want,
	      (unsigned long long)addr);
}

static void waits(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct moat_stats s0;
	struct off_runner o;
	const char *step;
	void *ram;
	int vm;
	long r;

	sigaction(SIGALRM, &sa, NULL);
	if (get_stats(&s0) < 0)
		return;
	print_stats("before", &s0);

	/* WFI until the guest's timer fires: the thread sleeps until the deadline. */
	ram = guest_ram();
	memcpy(ram, payload, PAYLOAD_SIZE);
	vm = create_vm(0, 1, RAM_SIZE);
	r = vm < 0 ? vm : add_memory(vm, RAM_IPA, ram, RAM_SIZE);
	r = r < 0 ? r : create_vcpu(vm, 0, RAM_IPA + off(payload_wfi));
	expect_ok("waits: a VM whose vCPU waits for its timer", r);
	if (r >= 0)
		expect_mmio_write("waits: WFI ends when the guest's virtual timer fires", vm, 0,
				  MMIO_ADDR + 0x20, 0x5 /* ENABLE | ISTATUS */);
	if (vm >= 0)
		close(vm);

	/*
	 * vCPU 1 starts OFF: its thread sleeps in MOAT_RUN until vCPU 0's
	 * PSCI CPU_ON makes moat ring the doorbell.
	 */
	memcpy(ram, payload, PAYLOAD_SIZE);
	step = "MOAT_CREATE_VM";
	vm = create_vm(0, 2, RAM_SIZE);
	r = vm;
	if (r >= 0) {
		step = "MOAT_ADD_MEMORY";
		r = add_memory(vm, RAM_IPA, ram, RAM_SIZE);
	}
	if (r >= 0) {
		step = "MOAT_CREATE_VCPU";
		r = create_vcpu(vm, 0, RAM_IPA + off(payload_cpu_on));
	}
	r = r < 0 ? r : create_vcpu(vm, 1, 0);
	check(r >= 0, "waits: a VM of 2 vCPUs, vCPU 1 off", "%s: %s", step, ename(r));
	if (r >= 0) {
		o = (struct off_runner){ .vm = vm, .run = { .vcpu = 1 } };
		pthread_create(&o.t, NULL, off_runner_main, &o);
		/* Most likely asleep by then; if not, its first run just finds it on. */
		sleep_ms(200);
		expect_mmio_write("waits: PSCI CPU_ON of vCPU 1 succeeds", vm, 0, MMIO_ADDR + 0x28, 0);
		join_runner(&o, "waits: vCPU 1's sleeping thread wakes and runs it from CPU_ON's entry with its context",
			    MMIO_ADDR + 0x30, 0x42);
	}
	if (vm >= 0)
		close(vm);

	/* The VMM raises an SPI while the vCPU's thread sleeps in its WFI. */
	memcpy(ram, payload, PAYLOAD_SIZE);
	vm = create_vm(0, 1, RAM_SIZE);
	r = vm < 0 ? vm : add_memory(vm, RAM_IPA, ram, RAM_SIZE);
	r = r < 0 ? r : create_vcpu(vm, 0, RAM_IPA + off(payload_irq));
	expect_ok("waits: a VM whose vCPU waits for SPI 32", r);
	if (r >= 0) {
		struct moat_irq_line line = { .intid = 32, .level = 1 };

		expect_mmio_write("waits: the guest enabled SPI 32 in its GIC", vm, 0, MMIO_ADDR + 0x38, 1);
		o = (struct off_runner){ .vm = vm, .run = { .vcpu = 0 } };
		pthread_create(&o.t, NULL, off_runner_main, &o);
		sleep_ms(200);	/* most likely asleep in the WFI by then */
		expect_ok("waits: MOAT_IRQ_LINE raises SPI 32", xioctl(vm, MOAT_IRQ_LINE, &line));
		join_runner(&o, "waits: the sleeping vCPU wakes and takes SPI 32 from its GIC",
			    MMIO_ADDR + 0x40, 32);
		line.level = 0;
		expect_ok("waits: MOAT_IRQ_LINE lowers SPI 32", xioctl(vm, MOAT_IRQ_LINE, &line));
	}
	if (vm >= 0)
		close(vm);
	munmap(ram, RAM_SIZE);
	back_to_start("waits", &s0);
}

/* ---- test 6: bad input --------------------------------------------------- */

static void bad_input(void)
{
	struct moat_stats s0;
	struct moat_vm_create c;
	struct moat_vcpu_init v;
	struct moat_vcpu_run run;
	struct moat_irq_line line;
	struct moat_memory m;
	void *ram, *ram2, *ro, *hole;
	const char *step;
	int w, a, b, s;
	uint64_t junk[8] = { 0 };	/* a 4-byte "wrong size" argument: no ioctl takes one */

	if (get_stats(&s0) < 0)
		return;
	print_stats("before", &s0);
	/* The witness stops at its first exit here and goes on after the bad input. */
	ram = guest_ram();
	w = payload_vm(0, ram, &step);
	if (w < 0) {
		check(0, "witness VM created", "%s: %s", step, ename(w));
		return;
	}
	witness("witness VM: its first exit before the bad input", w, EXIT_WRITE, EXIT_READ, 0);

	/* Unmapped for the kernel: no access at all, and no later mmap can land there. */
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* /dev/moat */
	expect_err("/dev/moat: unknown ioctl", xioctl(dev, _IO(MOAT_IOCTL, 0x7f), NULL), ENOTTY);
	expect_err("MOAT_CREATE_VM with the wrong size", xioctl(dev, _IOW(MOAT_IOCTL, 0x01, uint32_t), junk), ENOTTY);
	expect_err("MOAT_CREATE_VM, NULL argument", xioctl(dev, MOAT_CREATE_VM, NULL), EFAULT);
	expect_err("MOAT_CREATE_VM, unmapped argument", xioctl(dev, MOAT_CREATE_VM, hole), EFAULT);
	expect_err("MOAT_GET_STATS, unmapped argument", xioctl(dev, MOAT_GET_STATS, hole), EFAULT);
	expect_err("MOAT_RUN on /dev/moat", xioctl(dev, MOAT_RUN, &run), ENOTTY);
#define BAD_CREATE(what, field, value)						\
	do {									\
		c = (struct moat_vm_create){ .nr_vcpus = 1, .ipa_bits = IPA_BITS, \
					     .mem_size = RAM_SIZE };		\
		c.field = value;						\
		expect_err("MOAT_CREATE_VM, " what, xioctl(dev, MOAT_CREATE_VM, &c), EINVAL); \
	} while (0)
	BAD_CREATE("0 vCPUs", nr_vcpus, 0);
	BAD_CREATE("MOAT_VM_MAX_VCPUS + 1 vCPUs", nr_vcpus, MOAT_VM_MAX_VCPUS + 1);
	BAD_CREATE("IPA bits below the minimum", ipa_bits, MOAT_VM_MIN_IPA_BITS - 1);
	BAD_CREATE("IPA bits above the maximum", ipa_bits, MOAT_VM_MAX_IPA_BITS + 1);
	BAD_CREATE("an unknown flag", flags, 0x2);
	BAD_CREATE("pad not 0", pad, 1);
	BAD_CREATE("mem_size 0", mem_size, 0);
	BAD_CREATE("mem_size not a page multiple", mem_size, RAM_SIZE + 1);
	BAD_CREATE("mem_size beyond the IPA space", mem_size, (1ULL << IPA_BITS) + 4096);

	/* A: 2 vCPUs, room for 4 MiB. */
	c = (struct moat_vm_create){ .nr_vcpus = 2, .ipa_bits = IPA_BITS, .mem_size = 2 * RAM_SIZE };
	a = (int)xioctl(dev, MOAT_CREATE_VM, &c);
	expect_ok("MOAT_CREATE_VM (VM A)", a);
	if (a < 0)
		goto out_w;
	expect_err("VM fd: unknown ioctl", xioctl(a, _IO(MOAT_IOCTL, 0x7e), NULL), ENOTTY);
	expect_err("MOAT_CREATE_VM on a VM fd", xioctl(a, MOAT_CREATE_VM, &c), ENOTTY);
	expect_err("MOAT_ADD_MEMORY with the wrong size", xioctl(a, _IOW(MOAT_IOCTL, 0x02, uint32_t), junk), ENOTTY);
	expect_err("MOAT_ADD_MEMORY, unmapped argument", xioctl(a, MOAT_ADD_MEMORY, hole), EFAULT);
	ram2 = guest_ram();
	memcpy(ram2, payload, PAYLOAD_SIZE);	/* A's vCPU spins in it */
	expect_err("MOAT_ADD_MEMORY, IPA not page aligned", add_memory(a, RAM_IPA + 8, ram2, RAM_SIZE), EINVAL);
	expect_err("MOAT_ADD_MEMORY, address not page aligned", add_memory(a, RAM_IPA, (char *)ram2 + 8, RAM_SIZE), EINVAL);
	expect_err("MOAT_ADD_MEMORY, size 0", add_memory(a, RAM_IPA, ram2, 0), EINVAL);
	expect_err("MOAT_ADD_MEMORY, size not a page multiple", add_memory(a, RAM_IPA, ram2, 4097), EINVAL);
	expect_err("MOAT_ADD_MEMORY, IPA + size overflows", add_memory(a, ~0xfffULL, ram2, 8192), EINVAL);
	expect_err("MOAT_ADD_MEMORY, beyond the VM's IPA bits", add_memory(a, 1ULL << IPA_BITS, ram2, 4096), EINVAL);
	expect_err("MOAT_ADD_MEMORY, over the emulated GIC", add_memory(a, MOAT_HOSTED_GICD_BASE, ram2, 4096), EINVAL);
	expect_err("MOAT_ADD_MEMORY, unmapped memory", add_memory(a, RAM_IPA, hole, 4096), EFAULT);
	expect_err("MOAT_ADD_MEMORY, a kernel address", add_memory(a, RAM_IPA, (void *)0xffff000000000000ULL, 4096), EFAULT);
	m = (struct moat_memory){ .guest_ipa = RAM_IPA, .userspace_addr = ~0xfffULL, .size = 8192 };
	expect_err("MOAT_ADD_MEMORY, address + size overflows", xioctl(a, MOAT_ADD_MEMORY, &m), EFAULT);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_err("MOAT_ADD_MEMORY, read-only memory", add_memory(a, RAM_IPA, ro, 4096), EFAULT);
	munmap(ro, 4096);
	expect_err("MOAT_ADD_MEMORY, more than mem_size", add_memory(a, RAM_IPA, ram2, 4 * RAM_SIZE), ENOSPC);
	expect_ok("MOAT_ADD_MEMORY (VM A, 2 MiB)", add_memory(a, RAM_IPA, ram2, RAM_SIZE));
	expect_err("MOAT_ADD_MEMORY, the same IPA again", add_memory(a, RAM_IPA + 4096, guest_ram(), 4096), EEXIST);
	expect_err("MOAT_ADD_MEMORY, the same memory at another IPA", add_memory(a, RAM_IPA + RAM_SIZE, ram2, 4096), EACCES);
	expect_err("MOAT_ADD_MEMORY, the witness VM's memory", add_memory(a, RAM_IPA + RAM_SIZE, ram, 4096), EACCES);

	/* B: another VM wants A's memory. */
	b = create_vm(MOAT_VM_PROTECTED, 1, RAM_SIZE);
	expect_ok("MOAT_CREATE_VM (VM B, protected)", b);
	if (b >= 0) {
		expect_err("MOAT_ADD_MEMORY, memory already given to another VM", add_memory(b, RAM_IPA, ram2, RAM_SIZE), EACCES);
		close(b);
	}

	expect_err("MOAT_CREATE_VCPU with the wrong size", xioctl(a, _IOW(MOAT_IOCTL, 0x03, uint32_t), junk), ENOTTY);
	expect_err("MOAT_CREATE_VCPU, vCPU index = nr_vcpus", create_vcpu(a, 2, RAM_IPA), EINVAL);
	expect_err("MOAT_CREATE_VCPU, vCPU index ~0", create_vcpu(a, ~0u, RAM_IPA), EINVAL);
	expect_err("MOAT_CREATE_VCPU, pc not 4-byte aligned", create_vcpu(a, 0, RAM_IPA + 2), EINVAL);
	v = (struct moat_vcpu_init){ .vcpu = 0, .pad = 1, .pc = RAM_IPA };
	expect_err("MOAT_CREATE_VCPU, pad not 0", xioctl(a, MOAT_CREATE_VCPU, &v), EINVAL);
	expect_err("MOAT_CREATE_VCPU, unmapped argument", xioctl(a, MOAT_CREATE_VCPU, hole), EFAULT);
	expect_ok("MOAT_CREATE_VCPU (VM A, vCPU 0)", create_vcpu(a, 0, RAM_IPA + off(payload_spin)));
	expect_err("MOAT_CREATE_VCPU, the same vCPU twice", create_vcpu(a, 0, RAM_IPA), EEXIST);

	expect_err("MOAT_RUN with the wrong size", xioctl(a, _IOWR(MOAT_IOCTL, 0x04, uint32_t), junk), ENOTTY);
	expect_err("MOAT_RUN, NULL argument", xioctl(a, MOAT_RUN, NULL), EFAULT);
	run = (struct moat_vcpu_run){ .vcpu = 2 };
	expect_err("MOAT_RUN, vCPU index = nr_vcpus", xioctl(a, MOAT_RUN, &run), EINVAL);
	run = (struct moat_vcpu_run){ .vcpu = 1 };
	expect_err("MOAT_RUN, a vCPU not created", xioctl(a, MOAT_RUN, &run), ENOENT);

	expect_err("MOAT_IRQ_LINE with the wrong size", xioctl(a, _IOW(MOAT_IOCTL, 0x05, uint32_t), junk), ENOTTY);
#define BAD_LINE(what, i, l)								\
	do {										\
		line = (struct moat_irq_line){ .intid = (i), .level = (l) };		\
		expect_err("MOAT_IRQ_LINE, " what, xioctl(a, MOAT_IRQ_LINE, &line), EINVAL); \
	} while (0)
	BAD_LINE("a PPI (31)", 31, 1);
	BAD_LINE("past the last SPI", 32 + MOAT_HOSTED_NR_SPIS, 1);
	BAD_LINE("level 2", 32, 2);
	line = (struct moat_irq_line){ .intid = 32, .level = 1 };
	expect_ok("MOAT_IRQ_LINE, SPI 32 up", xioctl(a, MOAT_IRQ_LINE, &line));
	line.level = 0;
	expect_ok("MOAT_IRQ_LINE, SPI 32 down", xioctl(a, MOAT_IRQ_LINE, &line));

	two_runners(a);

	expect_ok("MOAT_DESTROY_VM (VM A)", xioctl(a, MOAT_DESTROY_VM, NULL));
	expect_err("a destroyed VM: MOAT_ADD_MEMORY", add_memory(a, RAM_IPA + RAM_SIZE, guest_ram(), 4096), ENODEV);
	expect_err("a destroyed VM: MOAT_CREATE_VCPU", create_vcpu(a, 1, RAM_IPA), ENODEV);
	run = (struct moat_vcpu_run){ .vcpu = 0 };
	expect_err("a destroyed VM: MOAT_RUN", xioctl(a, MOAT_RUN, &run), ENODEV);
	line = (struct moat_irq_line){ .intid = 32, .level = 1 };
	expect_err("a destroyed VM: MOAT_IRQ_LINE", xioctl(a, MOAT_IRQ_LINE, &line), ENODEV);
	expect_err("a destroyed VM: MOAT_DESTROY_VM", xioctl(a, MOAT_DESTROY_VM, NULL), ENODEV);
	close(a);
	/* A's memory went back at destroy: another VM may have it now. */
	s = payload_vm(MOAT_VM_PROTECTED, ram2, &step);
	check(s >= 0, "a destroyed VM's memory backs a new VM", "%s: %s", step, ename(s));
	if (s >= 0) {
		witness("the new VM runs its payload", s, EXIT_WRITE, NR_EXITS, 0x3333);
		close(s);
	}

out_w:
	witness("witness VM: the rest of its payload after the bad input", w, EXIT_READ, NR_EXITS, 0x2222);
	close(w);
	back_to_start("bad input", &s0);
}

/* ---- a protected VM's memory ------------------------------------------------ */

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Reads the first byte at @p: 1 if that raised SIGBUS, 0 if it read. */
static int read_faults(const void *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1))
		faulted = 1;
	else
		(void)*(const volatile unsigned char *)p;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/*
 * fork() of a VMM with a protected VM: the kernel must not copy the VM's
 * pages (it would take the abort itself); moat.ko keeps the mapping out
 * of the child, so the child touching it gets SIGSEGV.
 */
static const char *fork_leaves_ram(const void *ram, char *why, size_t len)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return why;
	}
	if (pid == 0) {
		(void)*(const volatile unsigned char *)ram;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
		snprintf(why, len, "after fork the child read the VM's memory (status 0x%x), want SIGSEGV",
			 status);
		return why;
	}
	return NULL;
}

/* ---- test 5: create and destroy ------------------------------------------- */

static void cycles(int n)
{
	struct moat_stats s0, s;
	char name[160], why[256];
	const char *bad, *step;
	void *ram;
	int i, vm;

	if (get_stats(&s0) < 0)
		return;
	print_stats("before", &s0);
	expect_ok("cycles: MOAT_CHECK before", xioctl(dev, MOAT_CHECK, NULL));
	for (i = 0; i < n; i++) {
		uint32_t flags = (i & 1) ? MOAT_VM_PROTECTED : 0;

		snprintf(name, sizeof(name), "cycle %d (%s): MMIO write, read, write back, SYSTEM_OFF%s",
			 i + 1, flags ? "protected" : "shared",
			 flags ? "; its memory faults for the host, stays out of a fork, comes back scrubbed" : "");
		ram = guest_ram();
		vm = payload_vm(flags, ram, &step);
		if (vm < 0) {
			check(0, name, "%s: %s", step, ename(vm));
			munmap(ram, RAM_SIZE);
			continue;
		}
		/* Issue 11 test 4: the host loses a protected VM's memory while it lives. */
		if (flags && !read_faults(ram)) {
			snprintf(why, sizeof(why), "reading the protected VM's memory did not fault");
			bad = why;
		} else if (flags && (bad = fork_leaves_ram(ram, why, sizeof(why)))) {
			;
		} else {
			bad = run_payload(vm, EXIT_WRITE, NR_EXITS, 0x5a5a000000000000ULL | (uint64_t)i,
					  why, sizeof(why));
		}
		if (!bad && get_stats(&s) == 0 && s.vms != s0.vms + 1) {
			snprintf(why, sizeof(why), "vms = %llu while one VM lives, want %llu",
				 (unsigned long long)s.vms, (unsigned long long)s0.vms + 1);
			bad = why;
		}
		close(vm);	/* the last fd: the VM is destroyed */
		/* ... and gets it back scrubbed: the payload written before is gone. */
		if (!bad && flags && (read_faults(ram) || !memcmp(ram, payload, PAYLOAD_SIZE))) {
			snprintf(why, sizeof(why), "after destroy its memory %s",
				 read_faults(ram) ? "still faults" : "still holds the payload");
			bad = why;
		}
		munmap(ram, RAM_SIZE);
		check(!bad, name, "%s", bad);
	}
	back_to_start("cycles", &s0);
}

/* ---- figure: create + destroy a 256 MiB VM (make bench-hosted) ---------- */

#define TIME_MEM	(256ULL << 20)

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * One timed life of a TIME_MEM VM with 2 vCPUs: MOAT_CREATE_VM,
 * MOAT_ADD_MEMORY of all of it, MOAT_DESTROY_VM. The memory is what
 * moat-vmm gives: a fresh 2 MiB-aligned anonymous mapping, so pinning it
 * faults it in; mapping and unmapping it are outside the times. Returns the
 * total in ms, or a negative value when a call failed.
 */
static double time_one(uint32_t flags, int round)
{
	const char *kind = flags ? "protected" : "shared";
	struct timespec t0;
	double create, add, destroy = 0;
	const char *step;
	char name[96];
	uint8_t *p, *ram;
	long r;
	int vm;

	p = mmap(NULL, TIME_MEM + (2ULL << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		check(0, "time: mmap 256 MiB", "%s", strerror(errno));
		return -1;
	}
	ram = (uint8_t *)(((uintptr_t)p + (2ULL << 20) - 1) & ~(uintptr_t)((2ULL << 20) - 1));
	snprintf(name, sizeof(name), "time: %s VM %d: create, add 256 MiB, destroy", kind, round);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vm = create_vm(flags, 2, TIME_MEM);
	create = ms_since(&t0);
	if (vm < 0) {
		check(0, name, "MOAT_CREATE_VM: %s", ename(vm));
		munmap(p, TIME_MEM + (2ULL << 20));
		return -1;
	}
	step = "MOAT_ADD_MEMORY";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = add_memory(vm, RAM_IPA, ram, TIME_MEM);
	add = ms_since(&t0);
	if (r >= 0) {
		step = "MOAT_DESTROY_VM";
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = xioctl(vm, MOAT_DESTROY_VM, NULL);
		destroy = ms_since(&t0);
	}
	close(vm);
	munmap(p, TIME_MEM + (2ULL << 20));
	check(r >= 0, name, "%s: %s", step, ename(r));
	if (r < 0)
		return -1;
	printf("moat-selftest: time 256 MiB %s: create %.2f ms, add memory %.2f ms, destroy %.2f ms, "
	       "total %.2f ms\n", kind, create, add, destroy, create + add + destroy);
	return create + add + destroy;
}

static void time_vms(int n)
{
	struct moat_stats s0;

	if (get_stats(&s0) < 0)
		return;
	for (int k = 0; k < 2; k++) {
		double best = -1;

		for (int i = 1; i <= n; i++) {
			double t = time_one(k ? MOAT_VM_PROTECTED : 0, i);

			if (t >= 0 && (best < 0 || t < best))
				best = t;
		}
		if (best >= 0)
			printf("moat-selftest: time 256 MiB %s: best of %d: %.2f ms\n",
			       k ? "protected" : "shared", n, best);
	}
	back_to_start("time", &s0);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";
	int n = argc > 2 ? atoi(argv[2]) : 20;
	struct moat_stats s;
	long v;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open("/dev/moat", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("moat-selftest: not ok - open /dev/moat: %s\n", strerror(errno));
		return 1;
	}
	v = xioctl(dev, MOAT_GET_VERSION, NULL);
	check(v == MOAT_HOST_ABI_VERSION, "MOAT_GET_VERSION is the ABI version", "got %s, want %d",
	      ename(v), MOAT_HOST_ABI_VERSION);
	if (!strcmp(what, "all") || !strcmp(what, "bad"))
		bad_input();
	if (!strcmp(what, "all") || !strcmp(what, "waits"))
		waits();
	if (!strcmp(what, "all") || !strcmp(what, "cycles"))
		cycles(n > 0 ? n : 20);
	if (!strcmp(what, "time"))	/* a figure, not part of "all" */
		time_vms(argc > 2 && n > 0 ? n : 3);
	if (get_stats(&s) == 0)
		print_stats("end", &s);
	printf("moat-selftest: %d ok, %d not ok\n", n_ok, n_bad);
	return n_bad ? 1 : 0;
}
