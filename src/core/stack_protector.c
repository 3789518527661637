// SPDX-License-Identifier: MIT
/*
 * Debian's libfdt.a is built with -fstack-protector-strong; it needs a
 * canary and a failure hook. moat's own code is built without.
 */
#include "core/panic.h"
#include "lib/types.h"

void __stack_chk_fail(void);

u64 __stack_chk_guard = 0x6d6f61745f636e72ULL;

void __stack_chk_fail(void)
{
	panic("stack smashing detected in libfdt");
}
