/* SPDX-License-Identifier: MIT */
/* dt_check_struct(): see dt_bounds.h for why it exists. */
#include <libfdt.h>

#include "lib/dt_bounds.h"
#include "lib/types.h"
#include "lib/err.h"

static u32 be32_at(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

int dt_check_struct(const void *fdt, size_t size)
{
	const u8 *s;
	size_t off = 0, end, str_size;
	unsigned long depth = 0;

	if (size < sizeof(struct fdt_header) || fdt_totalsize(fdt) > size ||
	    fdt_version(fdt) < 17)
		return -EINVAL;
	end = fdt_size_dt_struct(fdt);
	str_size = fdt_size_dt_strings(fdt);
	/* 64-bit sums: offsets and sizes are u32 each, so none of these wraps. */
	if ((u64)fdt_off_dt_struct(fdt) + end > fdt_totalsize(fdt) ||
	    (u64)fdt_off_dt_strings(fdt) + str_size > fdt_totalsize(fdt) || end % FDT_TAGSIZE)
		return -EINVAL;
	s = (const u8 *)fdt + fdt_off_dt_struct(fdt);

	/* Invariant: off is tag-aligned and off < end before each tag is read. */
	while (end - off >= FDT_TAGSIZE) {
		u32 tag = be32_at(s + off);
		size_t len;

		off += FDT_TAGSIZE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			/* The name is NUL-terminated inside the block. */
			for (len = 0; off + len < end && s[off + len]; len++)
				;
			if (off + len >= end)
				return -EINVAL;
			off += len + 1;
			depth++;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return -EINVAL;
			depth--;
			break;
		case FDT_PROP:
			if (end - off < 2 * sizeof(u32))
				return -EINVAL;
			len = be32_at(s + off);
			if (be32_at(s + off + 4) >= str_size)
				return -EINVAL;
			off += 2 * sizeof(u32);
			if (len > end - off)
				return -EINVAL;
			off += len;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == 0 ? 0 : -EINVAL;
		default:
			return -EINVAL;
		}
		/* Align up; off <= end and end is aligned, so this stays <= end. */
		off = (off + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1);
	}
	return -EINVAL;
}
