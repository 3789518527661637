/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO: a data abort in a region a device model claimed is decoded
 * once into a neutral struct mmio_access and handed to that model.
 */
#ifndef MOAT_EMUL_MMIO_H
#define MOAT_EMUL_MMIO_H
#include "arch/esr.h"
#include "lib/err.h"
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
static inline int mmio_decode_iss(u64 esr, struct mmio_access *a)
{
	if (!(esr & ESR_ELx_ISV))
		return -EINVAL;
	a->size = 1u << FIELD_GET(ESR_ELx_SAS, esr);
	a->rt = (u32)FIELD_GET(ESR_ELx_SRT, esr);
	a->write = (esr & ESR_ELx_WnR) != 0;
	a->sign_extend = (esr & ESR_ELx_SSE) != 0;
	a->sf = (esr & ESR_ELx_SF) != 0;
	return 0;
}

/** Value a load puts in its register: @data (size bytes), sign-extended as asked. */
static inline u64 mmio_load_result(const struct mmio_access *a, u64 data)
{
	u32 shift = 64 - a->size * 8;	/* the bits above the access */

	data = a->sign_extend ? (u64)((s64)(data << shift) >> shift) : (data << shift) >> shift;
	return a->sf ? data : (u32)data;
}

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
	u32 tag;	/* the owner's class for the region (core: the exit reason it counts under) */
};

#define MMIO_MAX_REGIONS 16

struct mmio_bus {
	struct mmio_region r[MMIO_MAX_REGIONS];	/* sorted by base, disjoint */
	unsigned int nr;
};

/** Add a region, classed @tag by its owner; -EEXIST if it overlaps one, -ENOSPC when full. */
int mmio_bus_add(struct mmio_bus *bus, u64 base, u64 size, const struct mmio_ops *ops, void *priv,
		 const char *name, u32 tag);
/** The region containing @ipa, or NULL. */
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, u64 ipa);
#endif
