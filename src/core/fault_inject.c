// SPDX-License-Identifier: MIT
#include "core/fault_inject.h"
#include "lib/log.h"
#include "lib/types.h"
#include <string.h>

extern u8 __text_start[];

static const char *arg_value(const char *args, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = args; p && *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen)) {
			const char *v = p + klen;
			*len = 0;
			while (v[*len] && v[*len] != ' ')
				(*len)++;
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

static bool is(const char *v, size_t len, const char *word)
{
	return len == strlen(word) && !strncmp(v, word, len);
}

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
	const char *v = arg_value(bootargs, "moat.fault=", &len);

	if (!v)
		return;
	log_warn("injecting a hypervisor fault for testing: %.*s", (int)len, v);
	if (is(v, len, "undef"))
		__asm__ volatile("udf #0");
	else if (is(v, len, "unmapped"))
		(void)*(volatile u64 *)0xfff000000000ULL;
	else if (is(v, len, "write-text"))
		*(volatile u32 *)__text_start = 0;
	else if (is(v, len, "stack-overflow"))
		overflow_stack(0);
	else
		log_warn("unknown moat.fault kind '%.*s'", (int)len, v);
}
