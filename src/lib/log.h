/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor log. Every line starts with "moat: "; errors and warnings add
 * "error: " / "warning: " after it. A message is formatted into a local
 * buffer, prefixed (each line, if it contains several), and handed to the
 * console in one log_write call with log_lock held, so lines from
 * different CPUs never interleave.
 *
 * The boot code registers the console (log_write) and, once more than one
 * CPU runs, a lock (log_lock/log_unlock). Until a console is registered,
 * messages are dropped.
 */
#ifndef MOAT_LIB_LOG_H
#define MOAT_LIB_LOG_H

#include "lib/types.h"

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Longest message, after formatting, before the prefix; longer ones are cut with "...". */
#define LOG_MSG_MAX 512

/* Messages with a level above this are not printed. Default LOG_INFO. */
extern int log_level;

/* Console output: writes @n bytes of @s. NULL (the default) drops output. */
extern void (*log_write)(const char *s, size_t n);
/* Serialise output between CPUs. NULL (the default) means no locking. */
extern void (*log_lock)(void);
extern void (*log_unlock)(void);

void log_printf(int level, const char *fmt, ...) __printf(2, 3);
void log_vprintf(int level, const char *fmt, va_list ap) __printf(2, 0);

#define log_err(fmt, ...) log_printf(LOG_ERR, fmt, ##__VA_ARGS__)
#define log_warn(fmt, ...) log_printf(LOG_WARN, fmt, ##__VA_ARGS__)
#define log_info(fmt, ...) log_printf(LOG_INFO, fmt, ##__VA_ARGS__)
#define log_debug(fmt, ...) log_printf(LOG_DEBUG, fmt, ##__VA_ARGS__)

/*
 * Rate limiting for messages a guest can cause. Count-based, so it is
 * deterministic: of every @interval calls, the first @burst print; the
 * rest are counted, and the next message that prints is preceded by
 * "moat: warning: N similar messages suppressed".
 */
struct log_ratelimit {
	u32 burst;	/* 0: LOG_RATELIMIT_BURST */
	u32 interval;
	u32 calls;	/* updated atomically */
	u32 suppressed;	/* updated atomically */
	u64 window;	/* with log_clock: the second the count is for */
};

#define LOG_RATELIMIT_INIT(b, i) { .burst = (b), .interval = (i), .calls = 0, .suppressed = 0, .window = 0 }

/*
 * When the boot code sets a monotonic clock (ticks, and ticks per second),
 * rate limits count per second instead of per @interval calls.
 */
extern u64 (*log_clock)(void);
extern u64 log_clock_hz;
#define LOG_RATELIMIT_BURST 10
#define LOG_RATELIMIT_INTERVAL 1000

/* Returns true if the message was printed, false if it was suppressed (or filtered by level). */
bool log_printf_ratelimited(struct log_ratelimit *rl, int level, const char *fmt, ...) __printf(3, 4);

/* One limiter per call site, LOG_RATELIMIT_BURST lines per LOG_RATELIMIT_INTERVAL calls. */
#define log_ratelimited(level, fmt, ...)                                                        \
	do {                                                                                    \
		static struct log_ratelimit __log_rl =                                          \
			LOG_RATELIMIT_INIT(LOG_RATELIMIT_BURST, LOG_RATELIMIT_INTERVAL);        \
		log_printf_ratelimited(&__log_rl, level, fmt, ##__VA_ARGS__);                   \
	} while (0)

#endif
