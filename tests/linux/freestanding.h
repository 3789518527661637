/* SPDX-License-Identifier: MIT */
/*
 * What the small programs a Linux guest runs in tests/linux/ share:
 * they are built freestanding — raw system calls, no libc — because the
 * guests' initramfs carries only Debian's static busybox, and clang and
 * lld are all the build needs. A line of output is gathered with put_*()
 * and written whole by flush(); the process entry calls main(argc, argv)
 * and exits with its result.
 */
#ifndef MOAT_TESTS_LINUX_FREESTANDING_H
#define MOAT_TESTS_LINUX_FREESTANDING_H

typedef unsigned long long u64;
typedef unsigned int u32;

#define SYS_openat		56
#define SYS_ioctl		29
#define SYS_read		63
#define SYS_write		64
#define SYS_exit		93
#define SYS_mmap		222
#define SYS_perf_event_open	241

/* A system call with up to six arguments: the result, or -errno. */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

static char out_line[200];
static int out_len;

static inline void put_str(const char *s)
{
	while (*s && out_len < (int)sizeof(out_line) - 1)
		out_line[out_len++] = *s++;
}

/* @v in @base (10 or 16; 16 with 0x). */
static inline void put_num(u64 v, unsigned int base)
{
	char buf[24];
	int i = sizeof(buf);

	buf[--i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put_str("0x");
	put_str(buf + i);
}

/* The line so far, and a newline, to stdout. */
static inline void flush(void)
{
	out_line[out_len++] = '\n';
	sys6(SYS_write, 1, (long)out_line, out_len, 0, 0, 0);
	out_len = 0;
}

/* The virtual counter, ordered with the code around it. */
static inline u64 counter(void)
{
	u64 v;

	__asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v) : : "memory");
	return v;
}

int main(int argc, char **argv);

/* The process entry: argc at [sp], argv after it; main's result is the exit status. */
__asm__(".text\n.global _start\n_start:\n"
	"	ldr x0, [sp]\n"
	"	add x1, sp, #8\n"
	"	bl main\n"
	"	mov x8, #93\n"
	"	svc #0\n");
#endif
