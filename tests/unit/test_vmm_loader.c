/* SPDX-License-Identifier: MIT */
/* moat-vmm's image placement: arm64 boot protocol rules, and what does not fit says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../host/vmm/vmm.h"

#define RAM	(64ULL << 20)

static struct vmm v;
static char kpath[64], ipath[64];

/* An Image of size bytes whose header says text_offset and image_size. */
static void write_image(uint64_t size, uint64_t text_offset, uint64_t image_size, int good_magic)
{
	uint8_t *b = calloc(1, size);
	uint32_t magic = good_magic ? 0x644d5241 : 0x12345678;
	FILE *f;

	memcpy(b + 8, &text_offset, 8);
	memcpy(b + 16, &image_size, 8);
	memcpy(b + 56, &magic, 4);
	b[size - 1] = 0x5a;
	f = fopen(kpath, "w");
	fwrite(b, 1, size, f);
	fclose(f);
	free(b);
}

static void write_initrd(uint64_t size)
{
	uint8_t *b = malloc(size);
	FILE *f;

	memset(b, 0xa5, size);
	f = fopen(ipath, "w");
	fwrite(b, 1, size, f);
	fclose(f);
	free(b);
}

static int setup(void **state)
{
	int fd;

	strcpy(kpath, "/tmp/moat-vmm-kernel-XXXXXX");
	strcpy(ipath, "/tmp/moat-vmm-initrd-XXXXXX");
	fd = mkstemp(kpath);
	close(fd);
	fd = mkstemp(ipath);
	close(fd);
	memset(&v, 0, sizeof(v));
	v.opt.kernel = kpath;
	v.mem = (struct guest_mem){ .ipa = GUEST_RAM_BASE, .size = RAM, .host = calloc(1, RAM) };
	return 0;
}

static int teardown(void **state)
{
	unlink(kpath);
	unlink(ipath);
	free(v.mem.host);
	return 0;
}

static void test_image_initrd_dtb_placement(void **state)
{
	write_image(1 << 20, 0, 24 << 20, 1);
	write_initrd(3 << 20);
	v.opt.initrd = ipath;
	assert_int_equal(vmm_load_images(&v), 0);
	assert_int_equal(v.kernel_entry, GUEST_RAM_BASE);
	assert_int_equal(v.mem.host[(1 << 20) - 1], 0x5a);
	/* The DTB in the last 2 MiB; the initrd right below it, page aligned, past image_size. */
	assert_int_equal(v.dtb_ipa, GUEST_RAM_BASE + RAM - (2 << 20));
	assert_int_equal(v.initrd_size, 3 << 20);
	assert_int_equal(v.initrd_ipa % 4096, 0);
	assert_true(v.initrd_ipa + v.initrd_size <= v.dtb_ipa);
	assert_true(v.initrd_ipa >= GUEST_RAM_BASE + (24 << 20));
	assert_int_equal(v.mem.host[v.initrd_ipa - GUEST_RAM_BASE], 0xa5);
}

static void test_text_offset_moves_the_image(void **state)
{
	write_image(1 << 20, 0x80000, 2 << 20, 1);
	assert_int_equal(vmm_load_images(&v), 0);
	assert_int_equal(v.kernel_entry, GUEST_RAM_BASE + 0x80000);
	assert_int_equal(v.mem.host[0x80000 + (1 << 20) - 1], 0x5a);
	assert_int_equal(v.mem.host[0x80000 + 56], 0x41);	/* 'A' of the magic, moved */
}

static void test_not_an_image(void **state)
{
	write_image(1 << 20, 0, 2 << 20, 0);
	assert_int_equal(vmm_load_images(&v), -EINVAL);
	write_image(1 << 20, 0x1234, 2 << 20, 1);	/* text_offset not page aligned */
	assert_int_equal(vmm_load_images(&v), -EINVAL);
}

static void test_what_does_not_fit(void **state)
{
	/* image_size reaching into the DTB's 2 MiB. */
	write_image(1 << 20, 0, RAM - (1 << 20), 1);
	assert_int_equal(vmm_load_images(&v), -E2BIG);
	/* An initrd that would overlap the kernel's image_size. */
	write_image(1 << 20, 0, 40 << 20, 1);
	write_initrd(23 << 20);
	v.opt.initrd = ipath;
	assert_int_equal(vmm_load_images(&v), -E2BIG);
	/* A missing initrd. */
	v.opt.initrd = "/nonexistent/initrd";
	assert_int_equal(vmm_load_images(&v), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_image_initrd_dtb_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_offset_moves_the_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_an_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_what_does_not_fit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
