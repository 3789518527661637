/* SPDX-License-Identifier: MIT */
/* The hypervisor log: see log.h. */
#include <string.h>

#include "lib/log.h"
#include "lib/printf.h"

#define LOG_PREFIX "moat: "
/* Room for the message plus a prefix on a few lines of it. */
#define LOG_OUT_MAX (LOG_MSG_MAX + 8 * (sizeof(LOG_PREFIX "warning: ") - 1) + 1)

int log_level = LOG_INFO;
void (*log_write)(const char *s, size_t n);
void (*log_lock)(void);
void (*log_unlock)(void);

static const char *level_tag(int level)
{
	switch (level) {
	case LOG_ERR:
		return "error: ";
	case LOG_WARN:
		return "warning: ";
	default:
		return "";
	}
}

/* Append up to @n bytes, keeping one byte free for the final newline. */
static void append(char *out, size_t *pos, const char *s, size_t n)
{
	size_t room = LOG_OUT_MAX - 1 - *pos;

	if (n > room)
		n = room;
	memcpy(out + *pos, s, n);
	*pos += n;
}

void log_vprintf(int level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	char out[LOG_OUT_MAX];
	const char *tag = level_tag(level);
	size_t len, pos = 0, tag_len = strlen(tag);
	const char *line, *end;
	void (*write)(const char *, size_t);
	int n;

	if (level > READ_ONCE(log_level))
		return;
	write = READ_ONCE(log_write);
	if (!write)
		return;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		n = 0;
	len = (size_t)n;
	if (len >= sizeof(msg)) {
		len = sizeof(msg) - 1;
		memcpy(msg + len - 3, "...", 3);
	}
	while (len && msg[len - 1] == '\n')
		len--;

	/* Every line of the message gets the prefix. */
	line = msg;
	end = msg + len;
	do {
		const char *nl = line;

		while (nl < end && *nl != '\n')
			nl++;
		append(out, &pos, LOG_PREFIX, sizeof(LOG_PREFIX) - 1);
		append(out, &pos, tag, tag_len);
		append(out, &pos, line, (size_t)(nl - line));
		if (nl < end)
			append(out, &pos, "\n", 1);
		line = nl + 1;
	} while (line < end);
	out[pos++] = '\n';

	if (log_lock)
		log_lock();
	write(out, pos);
	if (log_unlock)
		log_unlock();
}

void log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

u64 (*log_clock)(void);
u64 log_clock_hz;

bool log_printf_ratelimited(struct log_ratelimit *rl, int level, const char *fmt, ...)
{
	u32 interval = rl->interval ? rl->interval : 1;
	u32 burst = rl->burst ? rl->burst : LOG_RATELIMIT_BURST;
	u32 calls, suppressed;
	va_list ap;

	if (level > READ_ONCE(log_level))
		return false;

	if (log_clock && log_clock_hz) {
		/* With a clock: at most @burst lines per second. */
		u64 window = log_clock() / log_clock_hz, seen = READ_ONCE(rl->window);

		if (window != seen &&
		    __atomic_compare_exchange_n(&rl->window, &seen, window, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			__atomic_store_n(&rl->calls, 0, __ATOMIC_RELAXED);
		interval = ~0u;
	}
	calls = __atomic_fetch_add(&rl->calls, 1, __ATOMIC_RELAXED);
	if (calls % interval >= burst) {
		__atomic_fetch_add(&rl->suppressed, 1, __ATOMIC_RELAXED);
		return false;
	}
	suppressed = __atomic_exchange_n(&rl->suppressed, 0, __ATOMIC_RELAXED);
	if (suppressed)
		log_printf(LOG_WARN, "%u similar message%s suppressed", suppressed,
			   suppressed == 1 ? "" : "s");

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
	return true;
}
