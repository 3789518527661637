/* SPDX-License-Identifier: MIT */
/* Host calls (include/moat/hypercall.h) from a bare-metal guest that is the host. */
#ifndef GUEST_HOSTCALL_H
#define GUEST_HOSTCALL_H
#include <stdint.h>

/* Host calls take up to four arguments (x1..x4). */
static inline int64_t hc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1, x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3, x4 __asm__("x4") = a4;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4) : : "memory");
	return (int64_t)x0;
}

/*
 * Where a host test guest puts what it gives away, past its image and its
 * device tree, in its RAM: a run page, a list page, a 4 MiB donation, RAM
 * for the VM (2 MiB aligned each).
 */
struct host_region {
	uint64_t run, list, don, ram;
};

extern char __image_end[];
extern uint64_t guest_dtb;

static inline struct host_region host_region(void)
{
	uint64_t region = ((uint64_t)__image_end + 0x3fffff) & ~0x1fffffULL;

	if (guest_dtb + 0x200000 > region)
		region = (guest_dtb + 0x400000) & ~0x1fffffULL;
	return (struct host_region){ region, region + 0x1000, region + 0x200000, region + 0x600000 };
}
#endif
