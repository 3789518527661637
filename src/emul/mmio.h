/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO: a data abort in a region a device model claimed is decoded
 * once into a neutral struct mmio_access and handed to that model.
 */
#ifndef MOAT_EMUL_MMIO_H
#define MOAT_EMUL_MMIO_H
#include "lib/types.h"

struct vcpu;

/* A decoded load or store (from ESR_EL2.ISS when ISV = 1). */
struct mmio_access {
	u32 size;		/* bytes: 1, 2, 4, 8 */
	u32 rt;			/* register; 31 = XZR */
	bool write;
	bool sign_extend;	/* loads: SSE */
	bool sf;		/* loads: 64-bit destination */
};

/**
 * Decode a data-abort syndrome into @a. -EINVAL when ISV is 0 (the
 * syndrome does not describe the instruction).
 */
int mmio_decode_iss(u64 esr, struct mmio_access *a);

/** Value a load puts in its register: @data (size bytes), sign-extended as asked. */
u64 mmio_load_result(const struct mmio_access *a, u64 data);

struct mmio_ops {
	/* @off is from the region's base; sizes 1/2/4/8. Return 0 or a negative error. */
	int (*read)(void *priv, u64 off, u32 size, u64 *val);
	int (*write)(void *priv, u64 off, u32 size, u64 val);
};

struct mmio_region {
	u64 base, size;
	const struct mmio_ops *ops;
	void *priv;
	const char *name;
};

#define MMIO_MAX_REGIONS 16

struct mmio_bus {
	struct mmio_region r[MMIO_MAX_REGIONS];	/* sorted by base, disjoint */
	unsigned int nr;
};

/** Add a region; -EEXIST if it overlaps one, -ENOSPC when full. */
int mmio_bus_add(struct mmio_bus *bus, u64 base, u64 size, const struct mmio_ops *ops, void *priv,
		 const char *name);
/** The region containing @ipa, or NULL. */
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, u64 ipa);
#endif
