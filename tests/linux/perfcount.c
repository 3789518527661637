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
 * Built freestanding (freestanding.h).
 */
#include "freestanding.h"

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
	return sys6(SYS_perf_event_open, (long)&a, 0, -1, -1, 0, 0);
}

int main(int argc, char **argv)
{
	u64 period = (argc > 1 && argv[1][0] == '-' && argv[1][1] == 's') ? 100000 : 0;
	long cyc = open_counter(PERF_COUNT_HW_CPU_CYCLES, period);
	long ins = open_counter(PERF_COUNT_HW_INSTRUCTIONS, 0);
	u64 c = 0, n = 0;
	volatile u64 sink = 0;

	if (cyc < 0) {
		put_str("perfcount: perf_event_open(cycles) failed: errno ");
		put_num((u64)-cyc, 10);
		flush();
		return 1;
	}
	sys6(SYS_ioctl, cyc, PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
	if (ins >= 0)
		sys6(SYS_ioctl, ins, PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
	for (u64 i = 0; i < 20000000; i++)
		sink += i;
	__asm__ volatile("" :: "r"(sink));	/* the loop's result is used */
	sys6(SYS_ioctl, cyc, PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
	if (ins >= 0)
		sys6(SYS_ioctl, ins, PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
	if (sys6(SYS_read, cyc, (long)&c, sizeof(c), 0, 0, 0) != sizeof(c) ||
	    (ins >= 0 && sys6(SYS_read, ins, (long)&n, sizeof(n), 0, 0, 0) != sizeof(n))) {
		put_str("perfcount: read failed");
		flush();
		return 1;
	}
	put_str("perfcount: cycles ");
	put_num(c, 10);
	put_str(" instructions ");
	if (ins >= 0)
		put_num(n, 10);
	else
		put_str("n/a");
	flush();
	return 0;
}
