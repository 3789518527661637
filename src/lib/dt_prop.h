/* SPDX-License-Identifier: MIT */
/* Small device-tree property tests shared by the boot-tree and bundle parsers. */
#ifndef MOAT_LIB_DT_PROP_H
#define MOAT_LIB_DT_PROP_H
#include <libfdt.h>
#include <string.h>
#include "lib/types.h"

/* Is the property @name of @node exactly the string @val? */
static inline bool dt_prop_is(const void *fdt, int node, const char *name, const char *val)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	return p && len >= 0 && (size_t)len == strlen(val) + 1 && memcmp(p, val, (size_t)len) == 0;
}
#endif
