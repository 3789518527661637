// SPDX-License-Identifier: MIT
/* Exit statistics: names, options and the table (exit_stats.h, docs/console.md). */
#include "core/exit_stats.h"
#include "lib/printf.h"

static const char *const names[EXIT_R_NR] = {
#define EXIT_REASON_NAME(r, name) [EXIT_R_##r] = name,
	EXIT_REASONS(EXIT_REASON_NAME)
#undef EXIT_REASON_NAME
};

const char *exit_reason_name(u32 r)
{
	return r < EXIT_R_NR ? names[r] : "?";
}

static bool untimed(u32 r)
{
	return r == EXIT_R_HVC_FAST || r == EXIT_R_SYSREG_FAST;
}

void exit_stats_format(const char *vm_name, const struct exit_stats *per_vcpu, u32 nr, u64 hz,
		       void (*out)(void *ctx, const char *line), void *ctx)
{
	char line[200];
	u64 all = 0, all_ticks = 0;

	for (u32 i = 0; i < nr; i++) {
		for (u32 r = 0; r < EXIT_R_NR; r++) {
			all += per_vcpu[i].r[r].count + per_vcpu[i].fast[r];
			all_ticks += per_vcpu[i].r[r].ticks;
		}
	}
	snprintf(line, sizeof(line), "exit stats: VM %s: %llu exits, %llu ticks in moat (%llu Hz)",
		 vm_name, (unsigned long long)all, (unsigned long long)all_ticks, (unsigned long long)hz);
	out(ctx, line);
	for (u32 r = 0; r < EXIT_R_NR; r++) {
		u64 timed = 0, fast = 0, ticks = 0;
		size_t n;

		for (u32 i = 0; i < nr; i++) {
			timed += per_vcpu[i].r[r].count;
			fast += per_vcpu[i].fast[r];
			ticks += per_vcpu[i].r[r].ticks;
		}
		if (!timed && !fast)
			continue;
		if (untimed(r) || !timed)
			n = (size_t)snprintf(line, sizeof(line), "  %-11s %10llu exits            -", names[r],
					     (unsigned long long)(timed + fast));
		else
			n = (size_t)snprintf(line, sizeof(line), "  %-11s %10llu exits %12llu ticks %8llu.%llu/exit",
					     names[r], (unsigned long long)(timed + fast),
					     (unsigned long long)ticks, (unsigned long long)(ticks / timed),
					     (unsigned long long)(ticks * 10 / timed % 10));
		if (fast && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " (fast %llu)",
					      (unsigned long long)fast);
		for (u32 i = 0; i < nr && n < sizeof(line); i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " vcpu%u %llu", i,
					      (unsigned long long)(per_vcpu[i].r[r].count + per_vcpu[i].fast[r]));
		out(ctx, line);
	}
}
