/* SPDX-License-Identifier: MIT */
/*
 * moat-vmm's virtio-blk: a driver's happy path over a real file, then a
 * hostile guest (descriptors outside RAM, loops, indexes past the table,
 * rings outside RAM, unoffered features). Built with ASan: a VMM access
 * outside the guest's RAM buffer fails the test even where the return
 * values look right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../host/vmm/virtio_blk.h"

#define RAM_IPA		0x40000000ULL
#define RAM_SIZE	(1u << 20)
#define DESC		(RAM_IPA + 0x1000)
#define AVAIL		(RAM_IPA + 0x2000)
#define USED		(RAM_IPA + 0x3000)
#define BUF		(RAM_IPA + 0x10000)
#define QSIZE		8
#define DISK_SECTORS	128

struct ctx {
	struct guest_mem mem;
	struct virtio_blk blk;
	int fd;
	uint16_t avail_idx;
};

static uint8_t *ram(struct ctx *c, uint64_t ipa)
{
	return c->mem.host + (ipa - RAM_IPA);
}

static uint8_t disk_byte(uint64_t pos)
{
	return (uint8_t)(pos * 7 + pos / 512 + 3);
}

static void wr(struct ctx *c, uint64_t off, uint32_t v)
{
	virtio_blk_write(&c->blk, off, 4, v);
}

static uint32_t rd(struct ctx *c, uint64_t off)
{
	return (uint32_t)virtio_blk_read(&c->blk, off, 4);
}

/* The driver's bring-up (virtio 1.1, 3.1.1), queue 0 with QSIZE entries at the given rings. */
static void bring_up(struct ctx *c, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(c, VIRTIO_MMIO_STATUS, 0);
	wr(c, VIRTIO_MMIO_STATUS, 1 | 2);
	wr(c, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(c, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(c, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(c, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	wr(c, VIRTIO_MMIO_STATUS, 1 | 2 | 8);
	assert_true(rd(c, VIRTIO_MMIO_STATUS) & 8);
	wr(c, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_NUM_MAX), VQ_MAX_SIZE);
	wr(c, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(c, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(c, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(c, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(c, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(c, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(c, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	wr(c, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(c, VIRTIO_MMIO_STATUS, 1 | 2 | 4 | 8);
	c->avail_idx = 0;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char path[] = "/tmp/moat-vmm-disk-XXXXXX";
	uint8_t sector[512];

	assert_non_null(c);
	c->mem = (struct guest_mem){ .ipa = RAM_IPA, .size = RAM_SIZE, .host = calloc(1, RAM_SIZE) };
	assert_non_null(c->mem.host);
	c->fd = mkstemp(path);
	assert_true(c->fd >= 0);
	unlink(path);
	for (uint64_t s = 0; s < DISK_SECTORS; s++) {
		for (int i = 0; i < 512; i++)
			sector[i] = disk_byte(s * 512 + i);
		assert_int_equal(pwrite(c->fd, sector, 512, (off_t)(s * 512)), 512);
	}
	virtio_blk_init(&c->blk, &c->mem, c->fd, DISK_SECTORS * 512);
	bring_up(c, DESC, AVAIL, USED);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	close(c->fd);
	free(c->mem.host);
	free(c);
	return 0;
}

static void set_desc(struct ctx *c, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { .addr = addr, .len = len, .flags = flags, .next = next };

	memcpy(ram(c, DESC + 16 * i), &d, sizeof(d));
}

/* Offer head on the avail ring and notify. */
static void kick(struct ctx *c, uint16_t head)
{
	memcpy(ram(c, AVAIL + 4 + 2 * (c->avail_idx % QSIZE)), &head, 2);
	c->avail_idx++;
	memcpy(ram(c, AVAIL + 2), &c->avail_idx, 2);
	wr(c, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(struct ctx *c)
{
	uint16_t v;

	memcpy(&v, ram(c, USED + 2), 2);
	return v;
}

static void used_elem(struct ctx *c, uint16_t n, uint32_t *id, uint32_t *len)
{
	memcpy(id, ram(c, USED + 4 + 8 * (n % QSIZE)), 4);
	memcpy(len, ram(c, USED + 8 + 8 * (n % QSIZE)), 4);
}

static void put_hdr(struct ctx *c, uint64_t ipa, uint32_t type, uint64_t sector)
{
	uint32_t t[2] = { type, 0 };

	memcpy(ram(c, ipa), t, 8);
	memcpy(ram(c, ipa + 8), &sector, 8);
}

/* header | data (len bytes, write = device writes) | status: descriptors 0, 1, 2. */
static void three_desc(struct ctx *c, uint32_t type, uint64_t sector, uint32_t len, int data_write)
{
	put_hdr(c, BUF, type, sector);
	set_desc(c, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(c, 1, BUF + 0x1000, len, VIRTQ_DESC_F_NEXT | (data_write ? VIRTQ_DESC_F_WRITE : 0), 2);
	set_desc(c, 2, BUF + 0x100, 1, VIRTQ_DESC_F_WRITE, 0);
	*ram(c, BUF + 0x100) = 0xee;
}

static void test_config_and_ids(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(rd(c, VIRTIO_MMIO_MAGIC), VIRTIO_MMIO_MAGIC_VALUE);
	assert_int_equal(rd(c, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(c, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(virtio_blk_read(&c->blk, VIRTIO_MMIO_CONFIG, 8), DISK_SECTORS);
	assert_int_equal(virtio_blk_read(&c->blk, VIRTIO_MMIO_CONFIG, 4), DISK_SECTORS);
	assert_int_equal(virtio_blk_read(&c->blk, VIRTIO_MMIO_CONFIG + 4, 4), 0);
	wr(c, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(c, VIRTIO_MMIO_DEVICE_FEATURES), 1);	/* VERSION_1 */
}

static void test_read_sectors(void **state)
{
	struct ctx *c = *state;
	uint32_t id, len;

	three_desc(c, VIRTIO_BLK_T_IN, 5, 1024, 1);
	kick(c, 0);
	assert_int_equal(used_idx(c), 1);
	used_elem(c, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 1025);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(*ram(c, BUF + 0x1000 + i), disk_byte(5 * 512 + i));
	assert_true(virtio_blk_irq_level(&c->blk));
	assert_int_equal(rd(c, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_RING);
	wr(c, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED_RING);
	assert_false(virtio_blk_irq_level(&c->blk));
}

static void test_write_then_flush(void **state)
{
	struct ctx *c = *state;
	uint8_t back[512];
	uint32_t id, len;

	memset(ram(c, BUF + 0x1000), 0x5a, 512);
	three_desc(c, VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, 512, 0);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
	used_elem(c, 0, &id, &len);
	assert_int_equal(len, 1);
	assert_int_equal(pread(c->fd, back, 512, (DISK_SECTORS - 1) * 512), 512);
	for (int i = 0; i < 512; i++)
		assert_int_equal(back[i], 0x5a);
	put_hdr(c, BUF, VIRTIO_BLK_T_FLUSH, 0);
	set_desc(c, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	kick(c, 0);
	assert_int_equal(used_idx(c), 2);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
}

static void test_get_id_and_unsupported(void **state)
{
	struct ctx *c = *state;

	three_desc(c, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
	assert_string_equal((char *)ram(c, BUF + 0x1000), "moat-vmm-disk");
	three_desc(c, 77, 0, 512, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_UNSUPP);
}

/* The header split over two descriptors, data over two: still one request. */
static void test_split_buffers(void **state)
{
	struct ctx *c = *state;

	put_hdr(c, BUF, VIRTIO_BLK_T_IN, 2);
	set_desc(c, 3, BUF, 5, VIRTQ_DESC_F_NEXT, 6);
	set_desc(c, 6, BUF + 5, 11, VIRTQ_DESC_F_NEXT, 1);
	set_desc(c, 1, BUF + 0x1000, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 7);
	set_desc(c, 7, BUF + 0x2000, 412, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set_desc(c, 2, BUF + 0x100, 1, VIRTQ_DESC_F_WRITE, 0);
	kick(c, 3);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
	assert_int_equal(*ram(c, BUF + 0x1000 + 99), disk_byte(2 * 512 + 99));
	assert_int_equal(*ram(c, BUF + 0x2000), disk_byte(2 * 512 + 100));
	assert_int_equal(*ram(c, BUF + 0x2000 + 411), disk_byte(2 * 512 + 511));
}

static void test_past_the_end_is_ioerr(void **state)
{
	struct ctx *c = *state;

	three_desc(c, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, 1024, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_IOERR);
	/* A sector number that would wrap sector * 512. */
	three_desc(c, VIRTIO_BLK_T_OUT, 0x0080000000000000ULL, 512, 0);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_IOERR);
	/* Not a whole sector. */
	three_desc(c, VIRTIO_BLK_T_IN, 0, 100, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_IOERR);
}

/* Every bad chain is completed with length 0 and touches nothing outside RAM. */
static void check_refused(struct ctx *c, uint16_t head)
{
	uint16_t before = used_idx(c);
	uint32_t id, len;

	kick(c, head);
	assert_int_equal(used_idx(c), (uint16_t)(before + 1));
	used_elem(c, before, &id, &len);
	assert_int_equal(id, head);
	assert_int_equal(len, 0);
	assert_int_equal(*ram(c, BUF + 0x100), 0xee);	/* no status written */
}

static void test_hostile_descriptors(void **state)
{
	struct ctx *c = *state;

	/* Data buffer past the end of RAM, straddling it, before it, wrapping 64 bits. */
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	set_desc(c, 1, RAM_IPA + RAM_SIZE, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	check_refused(c, 0);
	set_desc(c, 1, RAM_IPA + RAM_SIZE - 256, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	check_refused(c, 0);
	set_desc(c, 1, RAM_IPA - 512, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	check_refused(c, 0);
	set_desc(c, 1, ~0ULL - 100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	check_refused(c, 0);
	set_desc(c, 1, BUF + 0x1000, 0xffffffffu, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	check_refused(c, 0);
	/* A loop: 1 -> 2 -> 1. */
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	set_desc(c, 2, BUF + 0x100, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	check_refused(c, 0);
	/* next past the table. */
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	set_desc(c, 1, BUF + 0x1000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, QSIZE);
	check_refused(c, 0);
	/* Readable after writable. */
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	set_desc(c, 2, BUF + 0x100, 1, VIRTQ_DESC_F_NEXT, 4);
	set_desc(c, 4, BUF + 0x200, 1, VIRTQ_DESC_F_WRITE, 0);
	check_refused(c, 0);
	/* Indirect, which was not offered. */
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	set_desc(c, 0, BUF, 16, VIRTQ_DESC_F_INDIRECT, 0);
	check_refused(c, 0);
	/* No writable status byte: served as nothing, still completed. */
	put_hdr(c, BUF, VIRTIO_BLK_T_IN, 0);
	set_desc(c, 0, BUF, 16, 0, 0);
	check_refused(c, 0);
	/* A head index past the table is consumed and skipped; the next request still works. */
	{
		uint16_t before = used_idx(c);

		kick(c, QSIZE + 3);
		assert_int_equal(used_idx(c), before);
		three_desc(c, VIRTIO_BLK_T_IN, 1, 512, 1);
		kick(c, 0);
		assert_int_equal(used_idx(c), (uint16_t)(before + 1));
		assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
	}
}

static void test_rings_outside_ram(void **state)
{
	struct ctx *c = *state;

	/* The used ring's last entries past the end of RAM: the queue never goes live. */
	bring_up(c, DESC, AVAIL, RAM_IPA + RAM_SIZE - 16);
	assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(rd(c, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), 0xee);
	/* Misaligned descriptor table, and a size that is not a power of 2. */
	bring_up(c, DESC + 8, AVAIL, USED);
	assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_READY), 0);
	wr(c, VIRTIO_MMIO_STATUS, 0);
	wr(c, VIRTIO_MMIO_QUEUE_NUM, 6);
	wr(c, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_READY), 0);
	/* A reset clears it, and a good bring-up works again. */
	bring_up(c, DESC, AVAIL, USED);
	assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_READY), 1);
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), VIRTIO_BLK_S_OK);
}

static void test_features_must_be_offered(void **state)
{
	struct ctx *c = *state;

	wr(c, VIRTIO_MMIO_STATUS, 0);
	wr(c, VIRTIO_MMIO_STATUS, 3);
	wr(c, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(c, VIRTIO_MMIO_DRIVER_FEATURES, 1 | 2);	/* VERSION_1 and bit 33, not offered */
	wr(c, VIRTIO_MMIO_STATUS, 3 | 8);
	assert_false(rd(c, VIRTIO_MMIO_STATUS) & 8);
	/* Without VERSION_1 (a legacy driver) it is refused too. */
	wr(c, VIRTIO_MMIO_STATUS, 0);
	wr(c, VIRTIO_MMIO_STATUS, 3);
	wr(c, VIRTIO_MMIO_STATUS, 3 | 8);
	assert_false(rd(c, VIRTIO_MMIO_STATUS) & 8);
	/* And without FEATURES_OK no request is served. */
	wr(c, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(c, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
	wr(c, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
	wr(c, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
	wr(c, VIRTIO_MMIO_QUEUE_READY, 1);
	c->avail_idx = 0;
	three_desc(c, VIRTIO_BLK_T_IN, 0, 512, 1);
	kick(c, 0);
	assert_int_equal(*ram(c, BUF + 0x100), 0xee);
}

static void test_guest_mem_bounds(void **state)
{
	struct ctx *c = *state;
	const struct guest_mem *m = &c->mem;

	assert_ptr_equal(guest_mem_ptr(m, RAM_IPA, 1), m->host);
	assert_ptr_equal(guest_mem_ptr(m, RAM_IPA + RAM_SIZE - 1, 1), m->host + RAM_SIZE - 1);
	assert_ptr_equal(guest_mem_ptr(m, RAM_IPA, RAM_SIZE), m->host);
	assert_null(guest_mem_ptr(m, RAM_IPA, RAM_SIZE + 1));
	assert_null(guest_mem_ptr(m, RAM_IPA + RAM_SIZE, 1));
	assert_null(guest_mem_ptr(m, RAM_IPA - 1, 2));
	assert_null(guest_mem_ptr(m, RAM_IPA + 4, 0));
	assert_null(guest_mem_ptr(m, RAM_IPA + 4, ~0ULL));
	assert_null(guest_mem_ptr(m, ~0ULL, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_and_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_sectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_then_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_id_and_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_the_end_is_ioerr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rings_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_must_be_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_mem_bounds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
