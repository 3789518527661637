/* SPDX-License-Identifier: MIT */
/* Putting a VM's images into its memory. */
#ifndef MOAT_CORE_LOADER_H
#define MOAT_CORE_LOADER_H
#include "lib/types.h"

struct vm;

struct loaded_image {
	u64 entry;		/* IPA of the first instruction */
	u64 dtb_ipa;		/* x0 at entry: the guest DTB, or 0 */
	u64 kernel_size;	/* bytes of kernel copied to entry */
	bool arm64_image;	/* the kernel has an arm64 Image header */
};

/* arm64 Image header (Linux Documentation/arch/arm64/booting.rst). */
struct arm64_image_header {
	u32 code0, code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u64 res2, res3, res4;
	u32 magic;
	u32 res5;
};
#define ARM64_IMAGE_MAGIC 0x644d5241u	/* "ARM\x64" */

/**
 * Where an image of @size bytes goes in a VM whose RAM is [@ram, @ram + @ram_size):
 * by its Image header (2 MiB aligned base + text_offset) or, without one,
 * at @ram + @raw_offset. Returns the load IPA, and in @footprint how much
 * RAM from there it needs; -EINVAL/-E2BIG if it cannot fit.
 */
int loader_place_kernel(const void *image, u64 size, u64 ram, u64 ram_size, u64 raw_offset,
			u64 *load, u64 *footprint);

/** Load the VM's kernel (and initrd, DTB) from its config into its RAM. */
int loader_load(struct vm *vm, struct loaded_image *out);
/** True when @image starts with an arm64 Image header (its magic at 0x38). */
bool loader_is_arm64_image(const void *image, u64 size);
#endif
