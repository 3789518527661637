// SPDX-License-Identifier: MIT
/*
 * perfcount: counts CPU cycles and instructions of a busy loop through the
 * guest kernel's perf_event_open(2), the way `perf stat` would, and prints
 *
 *     perfcount: cycles N instructions M
 *
 * (instructions "n/a" where the PMU has no such event: QEMU counts
 * instructions only under -icount).
 * With "-s" the cycle counter also overflows every 100,000 cycles, so the
 * PMU's overflow interrupt fires (the guest's /proc/interrupts shows it).
 * Built freestanding (raw system calls, no libc): the guest initramfs
 * carries only Debian's static busybox, and no arm64 libc is needed here.
 */
typedef unsigned long long u64;
typedef unsigned int u32;

#define SYS_ioctl		29
#define SYS_read		63
#define SYS_write		64
#define SYS_exit		93
#define SYS_perf_event_open	241

#define PERF_TYPE_HARDWARE		0
#define PERF_COUNT_HW_CPU_CYCLES	0
#define PERF_COUNT_HW_INSTRUCTIONS	1
#define PERF_EVENT_IOC_ENABLE		0x2400
#define PERF_EVENT_IOC_DISABLE		0x2401

/* PERF_ATTR_SIZE_VER0: the first 64 bytes of struct perf_event_attr. */
struct perf_event_attr_v0 {
	u32 type;
	u32 size;
	u64 config;
	u64 sample_period;
	u64 sample_type;
	u64 read_format;
	u64 flags;		/* bit 0 disabled, 5 exclude_kernel, 6 exclude_hv */
	u32 wakeup_events;
	u32 bp_type;
	u64 config1;
};

#define ATTR_DISABLED		(1ULL << 0)
#define ATTR_EXCLUDE_KERNEL	(1ULL << 5)
#define ATTR_EXCLUDE_HV		(1ULL << 6)

static long sys6(long nr, long a, long b, long c, long d, long e)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
	return x0;
}

static void put(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys6(SYS_write, 1, (long)s, n, 0, 0);
}

static void put_u64(u64 v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(buf + i);
}

static long open_counter(u64 config, u64 period)
{
	struct perf_event_attr_v0 a = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(a),
		.config = config,
		.sample_period = period,
		.flags = ATTR_DISABLED | ATTR_EXCLUDE_KERNEL | ATTR_EXCLUDE_HV,
	};

	/* This process, any CPU, no group, no flags. */
	return sys6(SYS_perf_event_open, (long)&a, 0, -1, -1, 0);
}

int main(int argc, char **argv);

int main(int argc, char **argv)
{
	u64 period = (argc > 1 && argv[1][0] == '-' && argv[1][1] == 's') ? 100000 : 0;
	long cyc = open_counter(PERF_COUNT_HW_CPU_CYCLES, period);
	long ins = open_counter(PERF_COUNT_HW_INSTRUCTIONS, 0);
	u64 c = 0, n = 0;
	volatile u64 sink = 0;

	if (cyc < 0) {
		put("perfcount: perf_event_open(cycles) failed: errno ");
		put_u64((u64)-cyc);
		put("\n");
		return 1;
	}
	sys6(SYS_ioctl, cyc, PERF_EVENT_IOC_ENABLE, 0, 0, 0);
	if (ins >= 0)
		sys6(SYS_ioctl, ins, PERF_EVENT_IOC_ENABLE, 0, 0, 0);
	for (u64 i = 0; i < 20000000; i++)
		sink += i;
	__asm__ volatile("" :: "r"(sink));	/* the loop's result is used */
	sys6(SYS_ioctl, cyc, PERF_EVENT_IOC_DISABLE, 0, 0, 0);
	if (ins >= 0)
		sys6(SYS_ioctl, ins, PERF_EVENT_IOC_DISABLE, 0, 0, 0);
	if (sys6(SYS_read, cyc, (long)&c, sizeof(c), 0, 0) != sizeof(c) ||
	    (ins >= 0 && sys6(SYS_read, ins, (long)&n, sizeof(n), 0, 0) != sizeof(n))) {
		put("perfcount: read failed\n");
		return 1;
	}
	put("perfcount: cycles ");
	put_u64(c);
	put(" instructions ");
	if (ins >= 0)
		put_u64(n);
	else
		put("n/a");
	put("\n");
	return 0;
}

/* The process entry: argc at [sp], argv after it; main's result is the exit status. */
__asm__(".text\n.global _start\n_start:\n"
	"	ldr x0, [sp]\n"
	"	add x1, sp, #8\n"
	"	bl main\n"
	"	mov x8, #93\n"
	"	svc #0\n");
