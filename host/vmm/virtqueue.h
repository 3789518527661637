/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues (virtio 1.1, section 2.6) read from guest memory. The
 * guest writes the rings concurrently and may lie in any field: every
 * index is reduced modulo the queue size, every descriptor is copied once
 * and then checked against RAM, chains are bounded by the queue size (a
 * loop ends), and a request that breaks a rule is not served.
 */
#ifndef VMM_VIRTQUEUE_H
#define VMM_VIRTQUEUE_H
#include <stdint.h>
#include <stdbool.h>

#include "guest_mem.h"

#define VQ_MAX_SIZE		256

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq {
	uint32_t size;		/* QueueNum: a power of 2, 1..VQ_MAX_SIZE */
	bool ready;
	uint64_t desc, avail, used;	/* IPAs */
	uint16_t last_avail;	/* the next avail ring entry to serve */
	uint16_t used_idx;	/* our copy of used->idx */
};

/* One buffer of a chain, already checked against RAM. */
struct vq_buf {
	uint8_t *p;
	uint32_t len;
	bool write;		/* device writes it */
};

/* A request: the chain of one avail entry, readable buffers first. */
struct vq_req {
	uint16_t head;
	unsigned int n;
	struct vq_buf buf[VQ_MAX_SIZE];
};

/* Are the queue's rings (for its size) inside RAM and aligned as virtio asks? */
bool vq_rings_valid(const struct guest_mem *m, const struct virtq *q);
/*
 * Take the next request off the avail ring. 1: *req holds it; 0: the ring
 * is empty; -EINVAL: the entry breaks a rule (a descriptor outside RAM, an
 * index past the table, a chain longer than the queue, a readable buffer
 * after a writable one, an indirect descriptor, which is not offered):
 * the entry is consumed and req->head says which one, to complete with
 * length 0.
 */
int vq_pop(const struct guest_mem *m, struct virtq *q, struct vq_req *req);
/* Put head on the used ring with len bytes written. */
void vq_push(const struct guest_mem *m, struct virtq *q, uint16_t head, uint32_t len);
#endif
