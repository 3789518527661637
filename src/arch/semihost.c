// SPDX-License-Identifier: MIT
#include "arch/semihost.h"

#define SEMIHOST_SYS_EXIT_EXTENDED	0x20
#define ADP_Stopped_ApplicationExit	0x20026

void semihost_exit(u32 code)
{
	/* AArch64: x1 points at { reason, subcode }; the subcode is the exit status. */
	u64 block[2] = { ADP_Stopped_ApplicationExit, code };
	register u64 x0 __asm__("x0") = SEMIHOST_SYS_EXIT_EXTENDED;
	register u64 x1 __asm__("x1") = (u64)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	for (;;)
		__asm__ volatile("wfe");
}
