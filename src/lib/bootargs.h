/* SPDX-License-Identifier: MIT */
/* moat's own options in /chosen/bootargs (QEMU: -append), "key=value" separated by spaces. */
#ifndef MOAT_LIB_BOOTARGS_H
#define MOAT_LIB_BOOTARGS_H
#include "lib/types.h"

/*
 * The value of the first word of @args (may be NULL) that starts with
 * @key (e.g. "moat.fault="), with its length in *@len; NULL if none.
 */
const char *bootarg_value(const char *args, const char *key, size_t *len);

/* Is the value @v (@len bytes) exactly @word? */
bool bootarg_is(const char *v, size_t len, const char *word);
#endif
