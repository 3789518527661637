// SPDX-License-Identifier: MIT
#include "lib/bootargs.h"
#include <string.h>

const char *bootarg_value(const char *args, const char *key, size_t *len)
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

bool bootarg_is(const char *v, size_t len, const char *word)
{
	return v && len == strlen(word) && !strncmp(v, word, len);
}
