// SPDX-License-Identifier: MIT
#include "arch/esr.h"
#include "emul/mmio.h"
#include "lib/err.h"

int mmio_bus_add(struct mmio_bus *bus, u64 base, u64 size, const struct mmio_ops *ops, void *priv,
		 const char *name, u32 tag)
{
	unsigned int i;

	if (!size || base + size < base)
		return -EINVAL;
	if (bus->nr >= MMIO_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < bus->nr; i++) {
		const struct mmio_region *r = &bus->r[i];

		if (base < r->base + r->size && r->base < base + size)
			return -EEXIST;
	}
	for (i = bus->nr; i > 0 && bus->r[i - 1].base > base; i--)
		bus->r[i] = bus->r[i - 1];
	bus->r[i] = (struct mmio_region){ base, size, ops, priv, name, tag };
	bus->nr++;
	return 0;
}

const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, u64 ipa)
{
	unsigned int lo = 0, hi = bus->nr;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct mmio_region *r = &bus->r[mid];

		if (ipa < r->base)
			hi = mid;
		else if (ipa - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}
