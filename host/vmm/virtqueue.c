// SPDX-License-Identifier: MIT
#include "virtqueue.h"

#include <errno.h>
#include <string.h>

/* Offsets in the avail and used rings (virtio 1.1, 2.6.6 and 2.6.8). */
#define AVAIL_IDX		2
#define AVAIL_RING(i)		(4 + 2 * (uint64_t)(i))
#define USED_IDX		2
#define USED_RING(i)		(4 + 8 * (uint64_t)(i))

static uint64_t desc_bytes(uint32_t n)  { return 16ULL * n; }
static uint64_t avail_bytes(uint32_t n) { return 6 + 2ULL * n; }
static uint64_t used_bytes(uint32_t n)  { return 6 + 8ULL * n; }

bool vq_rings_valid(const struct guest_mem *m, const struct virtq *q)
{
	if (!q->size || q->size > VQ_MAX_SIZE || (q->size & (q->size - 1)))
		return false;
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		return false;
	return guest_mem_ptr(m, q->desc, desc_bytes(q->size)) &&
	       guest_mem_ptr(m, q->avail, avail_bytes(q->size)) &&
	       guest_mem_ptr(m, q->used, used_bytes(q->size));
}

/* The guest may be writing these as we read: one load each, never re-read. */
static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void read_desc(const struct guest_mem *m, const struct virtq *q, uint16_t i, struct virtq_desc *d)
{
	const uint8_t *p = guest_mem_ptr(m, q->desc + desc_bytes(i), sizeof(*d));

	memcpy(d, p, sizeof(*d));
}

int vq_pop(const struct guest_mem *m, struct virtq *q, struct vq_req *req)
{
	const uint8_t *avail;
	uint16_t idx, i;
	bool seen_write = false;

	if (!q->ready || !vq_rings_valid(m, q))
		return 0;
	avail = guest_mem_ptr(m, q->avail, avail_bytes(q->size));
	idx = load16(avail + AVAIL_IDX);
	if (idx == q->last_avail)
		return 0;
	i = load16(avail + AVAIL_RING(q->last_avail % q->size));
	q->last_avail++;
	req->head = i;
	req->n = 0;
	if (i >= q->size)
		return -EINVAL;
	for (;;) {
		struct virtq_desc d;
		uint8_t *p;

		/* A chain visits each descriptor at most once: longer means a loop. */
		if (req->n >= q->size)
			return -EINVAL;
		read_desc(m, q, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return -EINVAL;
		p = guest_mem_ptr(m, d.addr, d.len);
		if (!p)
			return -EINVAL;
		if (d.flags & VIRTQ_DESC_F_WRITE)
			seen_write = true;
		else if (seen_write)
			return -EINVAL;
		req->buf[req->n++] = (struct vq_buf){ .p = p, .len = d.len,
						      .write = !!(d.flags & VIRTQ_DESC_F_WRITE) };
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 1;
		if (d.next >= q->size)
			return -EINVAL;
		i = d.next;
	}
}

void vq_push(const struct guest_mem *m, struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *used = guest_mem_ptr(m, q->used, used_bytes(q->size));
	uint32_t elem[2] = { head, len };

	if (!used)
		return;
	memcpy(used + USED_RING(q->used_idx % q->size), elem, sizeof(elem));
	q->used_idx++;
	/* The element before the index that publishes it. */
	__atomic_store_n((uint16_t *)(used + USED_IDX), q->used_idx, __ATOMIC_RELEASE);
}
