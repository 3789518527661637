// SPDX-License-Identifier: MIT
#include "core/fault_inject.h"
#include "lib/bootargs.h"
#include "lib/log.h"
#include "lib/types.h"
#include <string.h>

extern u8 __text_start[];

/* Deep recursion that the compiler cannot turn into a loop. */
static __attribute__((noinline)) u64 overflow_stack(volatile u64 depth)
{
	volatile u8 pad[512];

	pad[0] = (u8)depth;
	if (depth > (1ULL << 40))	/* never: the guard page stops it long before */
		return 0;
	return overflow_stack(depth + 1) + pad[0];
}

void fault_inject_from_bootargs(const char *bootargs)
{
	size_t len;
	const char *v = bootarg_value(bootargs, "moat.fault=", &len);

	if (!v)
		return;
	log_warn("injecting a hypervisor fault for testing: %.*s", (int)len, v);
	if (bootarg_is(v, len, "undef"))
		__asm__ volatile("udf #0");
	else if (bootarg_is(v, len, "unmapped"))
		(void)*(volatile u64 *)0xfff000000000ULL;
	else if (bootarg_is(v, len, "write-text"))
		*(volatile u32 *)__text_start = 0;
	else if (bootarg_is(v, len, "stack-overflow"))
		overflow_stack(0);
	else
		log_warn("unknown moat.fault kind '%.*s'", (int)len, v);
}
