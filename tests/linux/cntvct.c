// SPDX-License-Identifier: MIT
/*
 * cntvct: prints the virtual counter (CNTVCT_EL0) as a decimal number.
 * The guest's /init prints it when it is reached, so make bench-linux can
 * compare boots in QEMU's icount mode (-icount shift=0,sleep=off), where
 * the counter advances with executed instructions: a figure that does not
 * depend on the machine's load. Under moat a Linux VM's CNTVOFF is 0, so
 * natively and under moat the value counts from QEMU's start.
 * Built freestanding (raw system calls), like perfcount.c.
 */
typedef unsigned long long u64;

static void put(const char *s, long n)
{
	register long x8 __asm__("x8") = 64;	/* write */
	register long x0 __asm__("x0") = 1;
	register long x1 __asm__("x1") = (long)s;
	register long x2 __asm__("x2") = n;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
}

int main(void);
int main(void)
{
	char buf[24];
	int i = sizeof(buf);
	u64 v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	buf[--i] = '\n';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(buf + i, (long)sizeof(buf) - i);
	return 0;
}

__asm__(".text\n.global _start\n_start:\n"
	"	bl main\n"
	"	mov x8, #93\n"
	"	svc #0\n");
