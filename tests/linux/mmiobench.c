// SPDX-License-Identifier: MIT
/*
 * mmiobench ADDR N: maps the device page at physical ADDR through /dev/mem
 * (the kernel must be booted with iomem=relaxed to map a region a driver
 * owns), reads the 32-bit register at ADDR once, then N times between two
 * reads of the virtual counter (CNTVCT_EL0), and prints
 *
 *     mmiobench: ADDR = VALUE: N reads, T ticks
 *
 * make bench-hosted (tests/bench/bench_hosted.py) runs it in a guest that
 * moat-vmm runs, under -icount shift=0,sleep=off: on the PL011 that
 * moat-vmm emulates every read is an exit to the VMM and back; on moat's
 * vGIC it is answered at EL2. Built freestanding (freestanding.h).
 */
#include "freestanding.h"

#define AT_FDCWD	(-100)
#define O_RDWR		02
#define O_SYNC		04010000	/* uncached: a device mapping */
#define PROT_READ	1
#define MAP_SHARED	1
#define PAGE_SIZE	4096ULL

/* Decimal, or hex with 0x; -1 for anything else. */
static long long parse(const char *s)
{
	unsigned int base = 10;
	long long v = 0;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' :
			base == 16 && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;

		if (d < 0 || v > (1LL << 50))
			return -1;
		v = v * base + d;
	}
	return v;
}

static int fail(const char *what, long err)
{
	put_str("mmiobench: ");
	put_str(what);
	if (err) {
		put_str(": error ");
		put_num((u64)-err, 10);
	}
	flush();
	return 1;
}

int main(int argc, char **argv)
{
	long long addr = argc == 3 ? parse(argv[1]) : -1, n = argc == 3 ? parse(argv[2]) : -1;
	const volatile u32 *reg;
	u64 t0, t1;
	long fd, p;
	u32 v = 0;

	if (addr < 0 || (addr & 3) || n <= 0)
		return fail("usage: mmiobench ADDR N (ADDR 4-aligned)", 0);
	fd = sys6(SYS_openat, AT_FDCWD, (long)"/dev/mem", O_RDWR | O_SYNC, 0, 0, 0);
	if (fd < 0)
		return fail("open /dev/mem", fd);
	p = sys6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, (long)(addr & ~(PAGE_SIZE - 1)));
	if (p < 0 && p > -4096)
		return fail("mmap /dev/mem (is the kernel booted with iomem=relaxed?)", p);
	reg = (const volatile u32 *)(p + (addr & (PAGE_SIZE - 1)));
	v = *reg;	/* the first touch faults the page in */
	t0 = counter();
	for (long long i = 0; i < n; i++)
		v = *reg;
	t1 = counter();
	put_str("mmiobench: ");
	put_num((u64)addr, 16);
	put_str(" = ");
	put_num(v, 16);
	put_str(": ");
	put_num((u64)n, 10);
	put_str(" reads, ");
	put_num(t1 - t0, 10);
	put_str(" ticks");
	flush();
	return 0;
}
