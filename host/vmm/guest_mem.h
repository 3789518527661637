/* SPDX-License-Identifier: MIT */
/*
 * The guest's RAM as the VMM sees it: one range of IPAs backed by one range
 * of the VMM's memory. Every address a guest hands the VMM (a virtqueue, a
 * buffer) goes through guest_mem_ptr, which refuses anything not wholly
 * inside RAM: the guest is hostile.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H
#include <stdint.h>
#include <stddef.h>

/* The guest's RAM starts at 1 GiB, as on QEMU's virt machine. */
#define GUEST_RAM_BASE		0x40000000ULL

struct guest_mem {
	uint64_t ipa;		/* first IPA of RAM */
	uint64_t size;		/* bytes */
	uint8_t *host;		/* the VMM's mapping of it */
};

/* The VMM's pointer to [ipa, ipa + len), or NULL if any byte is outside RAM (len 0 included). */
void *guest_mem_ptr(const struct guest_mem *m, uint64_t ipa, uint64_t len);
#endif
