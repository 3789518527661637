/* SPDX-License-Identifier: MIT */
/*
 * A virtio block device on virtio-mmio version 2 (virtio 1.1, sections 4.2
 * and 5.2) over a host file. One request queue. No locking here: the
 * caller serialises accesses and drives the interrupt line from
 * virtio_blk_irq_level() after each one.
 */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H
#include <stdint.h>
#include <stdbool.h>

#include "virtqueue.h"

#define VIRTIO_MMIO_SIZE		0x200

/* virtio-mmio registers (virtio 1.1, 4.2.2). */
#define VIRTIO_MMIO_MAGIC		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC_VALUE		0x74726976	/* "virt" */
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_VENDOR_MOAT		0x54414f4d	/* "MOAT" */
#define VIRTIO_INT_USED_RING		1
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64

#define VIRTIO_F_VERSION_1		32
#define VIRTIO_BLK_F_FLUSH		9

#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2
#define VIRTIO_BLK_ID_BYTES		20
#define VIRTIO_BLK_SECTOR		512

struct virtio_blk {
	const struct guest_mem *mem;
	int fd;			/* the backing file */
	uint64_t sectors;	/* its size in 512-byte sectors */
	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t drv_features;
	uint32_t queue_sel;
	uint32_t isr;
	struct virtq vq;
	struct vq_req req;	/* scratch for one request: too big for a thread's stack habits */
	unsigned long bad_requests;	/* refused chains, for the rate-limited log */
};

void virtio_blk_init(struct virtio_blk *b, const struct guest_mem *mem, int fd, uint64_t bytes);
uint64_t virtio_blk_read(struct virtio_blk *b, uint64_t off, unsigned int len);
void virtio_blk_write(struct virtio_blk *b, uint64_t off, unsigned int len, uint64_t val);
bool virtio_blk_irq_level(const struct virtio_blk *b);
#endif
