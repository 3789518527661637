// SPDX-License-Identifier: MIT
/*
 * /chosen/bootargs from the flattened device tree in guest_dtb: a minimal
 * walk of the structure block (big-endian tokens), read byte by byte since
 * memory is Device with the MMU off. See guest.h.
 */
#include "guest.h"

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define FDT_MAX_SIZE	0x200000u

static uint32_t be32(uint64_t a)
{
	const volatile uint8_t *p = (const volatile uint8_t *)a;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool in_ram(uint64_t a, uint64_t len)
{
	return a >= GUEST_RAM_BASE && len <= GUEST_RAM_SIZE && a - GUEST_RAM_BASE <= GUEST_RAM_SIZE - len;
}

static bool streq(uint64_t a, const char *s)
{
	const volatile char *p = (const volatile char *)a;

	while (*s)
		if (*p++ != *s++)
			return false;
	return *p == '\0';
}

const char *guest_bootargs(void)
{
	uint64_t fdt = guest_dtb, size, st, str, off, end;
	int depth = 0;
	bool in_chosen = false;

	if (!in_ram(fdt, 40) || be32(fdt) != FDT_MAGIC)
		return "";
	size = be32(fdt + 4);
	st = be32(fdt + 8);
	str = be32(fdt + 12);
	if (size > FDT_MAX_SIZE || !in_ram(fdt, size) || st >= size || str >= size)
		return "";
	end = fdt + size;
	off = fdt + st;
	while (off + 4 <= end) {
		uint32_t tok = be32(off);

		off += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			uint64_t name = off;

			depth++;
			if (depth == 2)
				in_chosen = streq(name, "chosen") || streq(name, "chosen@0");
			while (off < end && *(const volatile char *)off)
				off++;
			off = (off + 1 + 3) & ~3ULL;
			break;
		}
		case FDT_END_NODE:
			if (depth == 2)
				in_chosen = false;
			depth--;
			break;
		case FDT_PROP: {
			uint32_t len, nameoff;

			if (off + 8 > end)
				return "";
			len = be32(off);
			nameoff = be32(off + 4);
			off += 8;
			if (len > end - off)
				return "";
			if (in_chosen && depth == 2 && str + nameoff < size &&
			    streq(fdt + str + nameoff, "bootargs") && len &&
			    *(const volatile char *)(off + len - 1) == '\0')
				return (const char *)off;
			off = (off + len + 3) & ~3ULL;
			break;
		}
		case FDT_NOP:
			break;
		default:
			return "";
		}
	}
	return "";
}

bool bootargs_has(const char *word)
{
	const char *s = guest_bootargs();
	size_t n = strlen(word);

	while (*s) {
		while (*s == ' ')
			s++;
		size_t w = 0;

		while (s[w] && s[w] != ' ')
			w++;
		if (w == n && !memcmp(s, word, n))
			return true;
		s += w;
	}
	return false;
}
