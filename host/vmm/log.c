// SPDX-License-Identifier: MIT
/*
 * moat's device models (src/emul/vpl011.c) log through log_printf; in
 * moat-vmm their lines go to stderr as "moat-vmm: ...", never "moat: ",
 * which is moat's own log (tests take it as the hypervisor's word).
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"

void log_vprintf(int level, const char *fmt, va_list ap)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "" };

	if (level > LOG_INFO)
		return;
	fprintf(stderr, "moat-vmm: %s", tag[level & 3]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}
