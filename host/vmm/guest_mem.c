// SPDX-License-Identifier: MIT
#include "guest_mem.h"

void *guest_mem_ptr(const struct guest_mem *m, uint64_t ipa, uint64_t len)
{
	uint64_t off;

	/* Written so that no sum can wrap: ipa + len could, ipa - base cannot here. */
	if (!len || ipa < m->ipa)
		return NULL;
	off = ipa - m->ipa;
	if (off >= m->size || len > m->size - off)
		return NULL;
	return m->host + off;
}
