/* SPDX-License-Identifier: MIT */
/*
 * Formatted output into a buffer, C99 semantics, with compile-time format
 * checking. Conversions: d i u x X o p s c %; flags - 0 # + space; width
 * and precision (number or '*'); length modifiers hh h l ll z t j.
 * %p prints "0x" and the address in hex. %s of NULL prints "(null)".
 *
 * Both return the length the complete output would have had (excluding
 * the NUL) even when it was cut short, and always NUL-terminate when
 * @size > 0.
 *
 * On the host build the C library has functions of the same names, so
 * ours are called moat_vsnprintf/moat_snprintf there; code keeps writing
 * vsnprintf/snprintf either way.
 */
#ifndef MOAT_LIB_PRINTF_H
#define MOAT_LIB_PRINTF_H

#include "lib/types.h"

#ifdef MOAT_HOST
#define vsnprintf moat_vsnprintf
#define snprintf moat_snprintf
#endif

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
