// SPDX-License-Identifier: MIT
/*
 * virtio-blk over virtio-mmio v2. Requests are served synchronously on the
 * notifying vCPU's thread (the disk is a host file; the VMM has no I/O
 * threads). A request is a chain: the 16-byte header in the readable
 * part, data next (readable for OUT, writable for IN/GET_ID), the status
 * byte last in the writable part. The header and data may be split
 * across descriptors any way the driver likes.
 */
#include "virtio_blk.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const uint64_t device_features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_BLK_F_FLUSH);

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

void virtio_blk_init(struct virtio_blk *b, const struct guest_mem *mem, int fd, uint64_t bytes)
{
	memset(b, 0, sizeof(*b));
	b->mem = mem;
	b->fd = fd;
	b->sectors = bytes / VIRTIO_BLK_SECTOR;
}

static void device_reset(struct virtio_blk *b)
{
	b->status = 0;
	b->dev_features_sel = b->drv_features_sel = 0;
	b->drv_features = 0;
	b->queue_sel = 0;
	b->isr = 0;
	memset(&b->vq, 0, sizeof(b->vq));
}

/* A cursor over the readable or the writable buffers of a request. */
struct cursor {
	struct vq_req *r;
	unsigned int i;
	uint32_t off;
	bool write;
};

static void cursor_init(struct cursor *c, struct vq_req *r, bool write)
{
	c->r = r;
	c->write = write;
	c->off = 0;
	for (c->i = 0; c->i < r->n && r->buf[c->i].write != write; c->i++)
		;
}

static uint64_t cursor_left(const struct cursor *c)
{
	uint64_t n = 0;

	for (unsigned int i = c->i; i < c->r->n && c->r->buf[i].write == c->write; i++)
		n += c->r->buf[i].len - (i == c->i ? c->off : 0);
	return n;
}

/* The next contiguous piece, at most max bytes; its length (0 at the end). */
static uint32_t cursor_next(struct cursor *c, uint64_t max, uint8_t **p)
{
	struct vq_buf *b;
	uint32_t n;

	while (c->i < c->r->n && c->r->buf[c->i].write == c->write && c->off == c->r->buf[c->i].len) {
		c->i++;
		c->off = 0;
	}
	if (c->i >= c->r->n || c->r->buf[c->i].write != c->write || !max)
		return 0;
	b = &c->r->buf[c->i];
	n = b->len - c->off;
	if (n > max)
		n = (uint32_t)max;
	*p = b->p + c->off;
	c->off += n;
	return n;
}

static uint64_t cursor_copy_out(struct cursor *c, void *dst, uint64_t len)
{
	uint64_t done = 0;
	uint8_t *p;
	uint32_t n;

	while (done < len && (n = cursor_next(c, len - done, &p))) {
		memcpy((uint8_t *)dst + done, p, n);
		done += n;
	}
	return done;
}

/* Move len bytes between the file at pos and the cursor's buffers. */
static int disk_io(struct virtio_blk *b, struct cursor *c, uint64_t pos, uint64_t len, bool to_guest)
{
	uint8_t *p;
	uint32_t n;

	while (len && (n = cursor_next(c, len, &p))) {
		ssize_t r = to_guest ? pread(b->fd, p, n, (off_t)pos) : pwrite(b->fd, p, n, (off_t)pos);

		if (r != (ssize_t)n)
			return -EIO;
		pos += n;
		len -= n;
	}
	return len ? -EIO : 0;
}

/* Serve one request; returns the bytes written to the guest (status byte included). */
static uint32_t serve(struct virtio_blk *b, struct vq_req *r)
{
	struct cursor in, out;
	struct blk_hdr h;
	uint64_t data, written = 0;
	uint8_t status = VIRTIO_BLK_S_OK, *sp;
	char id[VIRTIO_BLK_ID_BYTES];

	cursor_init(&out, r, false);
	cursor_init(&in, r, true);
	/* The status byte is the last writable one: without it there is no answer at all. */
	data = cursor_left(&in);
	if (!data || cursor_copy_out(&out, &h, sizeof(h)) != sizeof(h))
		return 0;
	data--;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: {
		uint64_t len = h.type == VIRTIO_BLK_T_IN ? data : cursor_left(&out);

		if (len % VIRTIO_BLK_SECTOR || h.sector > b->sectors ||
		    len / VIRTIO_BLK_SECTOR > b->sectors - h.sector) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		if (h.type == VIRTIO_BLK_T_IN) {
			if (disk_io(b, &in, h.sector * VIRTIO_BLK_SECTOR, len, true))
				status = VIRTIO_BLK_S_IOERR;
			else
				written = len;
		} else if (disk_io(b, &out, h.sector * VIRTIO_BLK_SECTOR, len, false)) {
			status = VIRTIO_BLK_S_IOERR;
		}
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		if (fdatasync(b->fd))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		uint64_t n = data < sizeof(id) ? data : sizeof(id);
		uint64_t done = 0;
		uint8_t *p;
		uint32_t k;

		memset(id, 0, sizeof(id));
		snprintf(id, sizeof(id), "moat-vmm-disk");
		while (done < n && (k = cursor_next(&in, n - done, &p))) {
			memcpy(p, id + done, k);
			done += k;
		}
		written = done;
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	/* Skip to the status byte: what IN did not fill is left as it was. */
	while (cursor_left(&in) > 1 && cursor_next(&in, cursor_left(&in) - 1, &sp))
		;
	if (cursor_next(&in, 1, &sp) != 1)
		return (uint32_t)written;
	*sp = status;
	return (uint32_t)(written + 1);
}

static void process_queue(struct virtio_blk *b)
{
	int r;

	if (!(b->status & VIRTIO_STATUS_FEATURES_OK) || (b->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	while ((r = vq_pop(b->mem, &b->vq, &b->req)) != 0) {
		uint32_t len = 0;

		if (r > 0)
			len = serve(b, &b->req);
		else if (b->bad_requests++ < 10)
			fprintf(stderr, "moat-vmm: virtio-blk: refused a bad descriptor chain (head %u)\n",
				b->req.head);
		/* A refused chain is still completed (nothing written) so the driver is not left waiting. */
		if (r < 0 && b->req.head >= b->vq.size)
			continue;
		vq_push(b->mem, &b->vq, b->req.head, len);
		b->isr |= VIRTIO_INT_USED_RING;
	}
}

static uint64_t config_read(const struct virtio_blk *b, uint64_t off, unsigned int len)
{
	uint8_t cfg[8];
	uint64_t v = 0;

	/* The config space holds the capacity (le64) first; the rest reads as 0. */
	memcpy(cfg, &b->sectors, sizeof(cfg));
	if (off + len > sizeof(cfg))
		return 0;
	memcpy(&v, cfg + off, len);
	return v;
}

uint64_t virtio_blk_read(struct virtio_blk *b, uint64_t off, unsigned int len)
{
	if (off >= VIRTIO_MMIO_CONFIG)
		return len <= 8 ? config_read(b, off - VIRTIO_MMIO_CONFIG, len) : 0;
	if (len != 4 || (off & 3))
		return 0;
	switch (off) {
	case VIRTIO_MMIO_MAGIC:		return VIRTIO_MMIO_MAGIC_VALUE;
	case VIRTIO_MMIO_VERSION:	return 2;
	case VIRTIO_MMIO_DEVICE_ID:	return VIRTIO_ID_BLOCK;
	case VIRTIO_MMIO_VENDOR_ID:	return VIRTIO_VENDOR_MOAT;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return b->dev_features_sel < 2 ? (uint32_t)(device_features >> (32 * b->dev_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:	return b->queue_sel == 0 ? VQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_NUM:	return b->queue_sel == 0 ? b->vq.size : 0;
	case VIRTIO_MMIO_QUEUE_READY:	return b->queue_sel == 0 ? b->vq.ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return b->isr;
	case VIRTIO_MMIO_STATUS:	return b->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0;
	default:			return 0;
	}
}

/* The queue's ring addresses: a low and a high register each, 4 bytes apart. */
static uint64_t *ring_addr(struct virtio_blk *b, uint64_t off)
{
	switch (off & ~4ULL) {
	case VIRTIO_MMIO_QUEUE_DESC_LOW:	return &b->vq.desc;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:	return &b->vq.avail;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:	return &b->vq.used;
	default:				return NULL;
	}
}

static void set_half(uint64_t *r, bool high, uint32_t val)
{
	if (high)
		*r = (*r & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		*r = (*r & ~0xffffffffULL) | val;
}

void virtio_blk_write(struct virtio_blk *b, uint64_t off, unsigned int len, uint64_t v)
{
	uint32_t val = (uint32_t)v;
	/* Queue registers apply to queue 0 only and only while it is not live (4.2.2). */
	bool q = b->queue_sel == 0 && !b->vq.ready;

	uint64_t *ring;

	if (len != 4 || (off & 3) || off >= VIRTIO_MMIO_CONFIG)
		return;
	ring = ring_addr(b, off);
	if (ring) {
		if (q)
			set_half(ring, off & 4, val);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:	b->dev_features_sel = val; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:	b->drv_features_sel = val; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (b->drv_features_sel < 2 && !(b->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&b->drv_features, b->drv_features_sel == 1, val);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:	b->queue_sel = val; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q)
			b->vq.size = val;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (b->queue_sel != 0)
			break;
		if (!(val & 1)) {
			b->vq.ready = false;
		} else if (!b->vq.ready) {
			if (vq_rings_valid(b->mem, &b->vq)) {
				b->vq.ready = true;
				b->vq.last_avail = b->vq.used_idx = 0;
			} else {
				/* Rings outside RAM or misaligned: the device gives up until reset. */
				b->status |= VIRTIO_STATUS_NEEDS_RESET;
			}
		}
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (val == 0)
			process_queue(b);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:	b->isr &= ~val; break;
	case VIRTIO_MMIO_STATUS:
		if (val == 0) {
			device_reset(b);
			break;
		}
		/* FEATURES_OK only sticks for a subset of what we offer that includes VERSION_1. */
		if ((val & VIRTIO_STATUS_FEATURES_OK) && !(b->status & VIRTIO_STATUS_FEATURES_OK) &&
		    ((b->drv_features & ~device_features) ||
		     !(b->drv_features & (1ULL << VIRTIO_F_VERSION_1))))
			val &= ~VIRTIO_STATUS_FEATURES_OK;
		b->status = (b->status & VIRTIO_STATUS_NEEDS_RESET) | (val & 0xff);
		break;
	default:
		break;
	}
}

bool virtio_blk_irq_level(const struct virtio_blk *b)
{
	return b->isr != 0;
}
