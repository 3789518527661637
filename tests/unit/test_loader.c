/* SPDX-License-Identifier: MIT */
/*
 * Kernel placement (src/core/loader.c): the arm64 Image header rules of
 * Linux's Documentation/arch/arm64/booting.rst (2 MiB aligned base plus
 * text_offset; image_size 0 means a pre-3.17 kernel with text_offset
 * 0x80000; header fields little-endian, magic "ARM\x64" at byte 56), raw
 * images at RAM + raw_offset, and -E2BIG when it cannot fit. Headers are
 * built byte by byte here, not from the code's struct. loader_load is run
 * against a VM whose "physical" RAM is a host buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "core/boot.h"
#include "core/host.h"
#include "core/loader.h"
#include "core/vm.h"
#include "lib/err.h"
#include "lib/log.h"

#define RAM	0x40000000ULL
#define RAM_SZ	0x20000000ULL	/* 512 MiB */

/* The host's device tree is core/host.c's (tested in test_host_fdt.c); no host here. */
int host_fdt(void *buf, size_t size, const struct vm *vm, u64 initrd, u64 initrd_size)
{
	(void)buf; (void)size; (void)vm; (void)initrd; (void)initrd_size;
	fail_msg("host_fdt called for a VM that is not the host");
	return -EINVAL;
}

static void put_le64(unsigned char *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A heap buffer of @size bytes holding an Image header (when size >= 64). */
static unsigned char *mk_image(size_t size, u64 text_offset, u64 image_size)
{
	unsigned char *p = malloc(size);

	assert_non_null(p);
	memset(p, 0x11, size);
	if (size >= 64) {
		memset(p, 0, 64);
		p[3] = 0x14;	/* code0: a branch, as real kernels have */
		put_le64(p + 8, text_offset);
		put_le64(p + 16, image_size);
		put_le64(p + 24, 0xa);	/* flags: LE, 4K pages, anywhere */
		memcpy(p + 56, "ARM\x64", 4);
	}
	return p;
}

static int place(const void *img, u64 size, u64 ram, u64 ram_size, u64 raw_offset, u64 *load,
		 u64 *fp)
{
	*load = 0xbad;
	*fp = 0xbad;
	return loader_place_kernel(img, size, ram, ram_size, raw_offset, load, fp);
}

static void test_image_header(void **state)
{
	unsigned char *img;
	u64 load, fp;

	(void)state;
	/* Modern kernel: text_offset 0, image_size 16 MiB, file 4 KiB (image_size covers BSS). */
	img = mk_image(0x1000, 0, 0x1000000);
	assert_int_equal(place(img, 0x1000, RAM, RAM_SZ, 0x80000, &load, &fp), 0);
	assert_int_equal(load, 0x40000000ULL);
	assert_int_equal(fp, 0x1000000ULL);
	free(img);

	/* text_offset 0x80000: 2 MiB base + 0x80000; raw_offset is ignored for an Image. */
	img = mk_image(0x1000, 0x80000, 0x2000000);
	assert_int_equal(place(img, 0x1000, RAM, RAM_SZ, 0x400000, &load, &fp), 0);
	assert_int_equal(load, 0x40080000ULL);
	assert_int_equal(fp, 0x2000000ULL);
	free(img);

	/* RAM not 2 MiB aligned: the base is rounded up (0x40010000 -> 0x40200000). */
	img = mk_image(0x1000, 0x80000, 0x100000);
	assert_int_equal(place(img, 0x1000, 0x40010000ULL, RAM_SZ, 0, &load, &fp), 0);
	assert_int_equal(load, 0x40280000ULL);
	assert_int_equal(fp, 0x100000ULL);
	free(img);

	/* Footprint rounds up to pages, and is the file size when that is bigger. */
	img = mk_image(0x3000, 0, 0x1234);
	assert_int_equal(place(img, 0x1001, RAM, RAM_SZ, 0, &load, &fp), 0);
	assert_int_equal(fp, 0x2000ULL);
	assert_int_equal(place(img, 0x2800, RAM, RAM_SZ, 0, &load, &fp), 0);
	assert_int_equal(fp, 0x3000ULL);
	free(img);
}

/* image_size 0: a pre-3.17 kernel, whose text_offset is 0x80000 whatever the field says. */
static void test_image_pre_317(void **state)
{
	unsigned char *img = mk_image(0x5432, 0x12345678, 0);
	u64 load, fp;

	(void)state;
	assert_int_equal(place(img, 0x5432, RAM, RAM_SZ, 0x200000, &load, &fp), 0);
	assert_int_equal(load, 0x40080000ULL);
	assert_int_equal(fp, 0x6000ULL);
	free(img);
}

static void test_raw(void **state)
{
	unsigned char *img = mk_image(0x1800, 0, 0x1000000);
	u64 load, fp;

	(void)state;
	/* One wrong magic byte: a raw binary. */
	img[59] = 0x65;
	assert_int_equal(place(img, 0x1800, RAM, RAM_SZ, 0x80000, &load, &fp), 0);
	assert_int_equal(load, 0x40080000ULL);
	assert_int_equal(fp, 0x2000ULL);	/* the file's size, not the header's image_size */
	assert_int_equal(place(img, 0x1800, RAM, RAM_SZ, 0x0, &load, &fp), 0);
	assert_int_equal(load, 0x40000000ULL);
	assert_int_equal(place(img, 0x1800, 0x40010000ULL, RAM_SZ, 0x1000, &load, &fp), 0);
	assert_int_equal(load, 0x40011000ULL);	/* raw images are not 2 MiB aligned */
	free(img);
}

/* Shorter than a header: raw, and the header is never read past the buffer (ASan). */
static void test_short_image(void **state)
{
	unsigned char *img = malloc(60);
	u64 load, fp;

	(void)state;
	assert_non_null(img);
	memset(img, 0, 60);
	memcpy(img + 56, "ARM\x64", 4);	/* the magic, but only 60 bytes */
	assert_int_equal(place(img, 60, RAM, RAM_SZ, 0x80000, &load, &fp), 0);
	assert_int_equal(load, 0x40080000ULL);
	assert_int_equal(fp, 0x1000ULL);
	free(img);
}

static void test_too_big(void **state)
{
	unsigned char *img;
	u64 load, fp;

	(void)state;
	/* image_size fills RAM from text_offset exactly: fits. */
	img = mk_image(0x1000, 0x80000, RAM_SZ - 0x80000);
	assert_int_equal(place(img, 0x1000, RAM, RAM_SZ, 0, &load, &fp), 0);
	assert_int_equal(load, 0x40080000ULL);
	assert_int_equal(fp, RAM_SZ - 0x80000);
	free(img);

	/* One byte more: does not. Outputs untouched. */
	img = mk_image(0x1000, 0x80000, RAM_SZ - 0x80000 + 1);
	assert_int_equal(place(img, 0x1000, RAM, RAM_SZ, 0, &load, &fp), -E2BIG);
	assert_int_equal(load, 0xbad);
	assert_int_equal(fp, 0xbad);
	free(img);

	/* text_offset beyond RAM. */
	img = mk_image(0x1000, RAM_SZ, 0x1000);
	assert_int_equal(place(img, 0x1000, RAM, RAM_SZ, 0, &load, &fp), -E2BIG);
	free(img);

	/* text_offset that wraps the address space. */
	img = mk_image(0x1000, 0xffffffffffff0000ULL, 0x1000);
	assert_int_equal(place(img, 0x1000, RAM, RAM_SZ, 0, &load, &fp), -E2BIG);
	free(img);

	/* RAM too small to reach the 2 MiB aligned base. */
	img = mk_image(0x1000, 0, 0x1000);
	assert_int_equal(place(img, 0x1000, 0x40010000ULL, 0x100000, 0, &load, &fp), -E2BIG);
	free(img);

	/* Raw: file bigger than what is left after raw_offset; raw_offset at or past the end. */
	img = mk_image(64, 0, 0);
	memset(img + 56, 0, 4);	/* no magic */
	assert_int_equal(place(img, 0x100000, RAM, 0x180000, 0x80000, &load, &fp), 0);
	assert_int_equal(place(img, 0x100001, RAM, 0x180000, 0x80000, &load, &fp), -E2BIG);
	assert_int_equal(place(img, 32, RAM, 0x180000, 0x180000, &load, &fp), -E2BIG);
	assert_int_equal(place(img, 32, RAM, 0x180000, 0xfffffffffffffff0ULL, &load, &fp), -E2BIG);
	free(img);
}

/* ---- loader_load into a VM backed by a host buffer ---- */

static char logbuf[1024];
static size_t loglen;

static void capture(const char *s, size_t n)
{
	if (loglen + n >= sizeof(logbuf))
		n = sizeof(logbuf) - 1 - loglen;
	memcpy(logbuf + loglen, s, n);
	loglen += n;
	logbuf[loglen] = 0;
}

/* loader.c reads the host's timer and GIC interrupts from here. */
struct platform platform;

static void test_loader_load(void **state)
{
	const u64 ram_size = 0x400000;	/* 4 MiB */
	unsigned char *ram = calloc(1, ram_size);
	unsigned char *img = mk_image(0x2000, 0x80000, 0x3000);
	struct vm_config cfg;
	struct vm *vm = calloc(1, sizeof(*vm));
	struct loaded_image out = { 0xbad, 0xbad };

	(void)state;
	assert_non_null(ram);
	assert_non_null(vm);
	for (size_t i = 64; i < 0x2000; i++)
		img[i] = (unsigned char)(i * 7);
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "guest");
	cfg.kernel = img;
	cfg.kernel_size = 0x2000;
	cfg.kernel_offset = 0x80000;
	strcpy(vm->name, "guest");
	vm->cfg = &cfg;
	vm->ram_ipa = ipa_init(RAM);
	vm->ram_size = ram_size;
	vm->ram_pa = pa_init((u64)(uintptr_t)ram);
	vm->nr_vcpus = 1;
	vm->vcpus[0].vmpidr = 0x80000000ULL;

	assert_int_equal(loader_load(vm, &out), 0);
	assert_int_equal(out.entry, 0x40080000ULL);
	assert_memory_equal(ram + 0x80000, img, 0x2000);
	/* The DTB sits alone in the last 2 MiB block, and it is a device tree. */
	assert_int_equal(out.dtb_ipa, 0x40200000ULL);
	assert_int_equal(fdt_check_header(ram + 0x200000), 0);
	assert_int_equal(fdt_path_offset(ram + 0x200000, "/cpus/cpu@0") >= 0, 1);
	memset(ram + 0x200000, 0, 0x200000);
	/* Nothing written below the image (the DTB and initrd, when placed, go above it). */
	for (size_t i = 0; i < 0x80000; i++)
		if (ram[i])
			fail_msg("byte 0x%zx before the image written", i);

	/* A raw kernel goes to kernel_offset. */
	memset(ram, 0, ram_size);
	img[56] = 0;
	cfg.kernel_offset = 0x10000;
	assert_int_equal(loader_load(vm, &out), 0);
	assert_int_equal(out.entry, 0x40010000ULL);
	assert_memory_equal(ram + 0x10000, img, 0x2000);

	/* An initrd goes just below the DTB, page aligned, and the DTB names it. */
	{
		static const char initrd[] = "initrd-bytes";
		const fdt64_t *start;
		u64 at = 0x40200000ULL - 0x1000;

		memset(ram, 0, ram_size);
		cfg.initrd = initrd;
		cfg.initrd_size = sizeof(initrd);
		assert_int_equal(loader_load(vm, &out), 0);
		assert_memory_equal(ram + (at - RAM), initrd, sizeof(initrd));
		start = fdt_getprop(ram + 0x200000, fdt_path_offset(ram + 0x200000, "/chosen"),
				    "linux,initrd-start", NULL);
		assert_non_null(start);
		assert_int_equal(fdt64_to_cpu(*start), at);
		cfg.initrd = NULL;
		cfg.initrd_size = 0;
	}

	/* Does not fit: error, a log line naming the VM, nothing copied. */
	memset(ram, 0, ram_size);
	cfg.kernel_offset = ram_size - 0x1000;
	loglen = 0;
	logbuf[0] = 0;
	log_write = capture;
	assert_int_equal(loader_load(vm, &out), -E2BIG);
	log_write = NULL;
	assert_non_null(strstr(logbuf, "'guest'"));
	assert_non_null(strstr(logbuf, "kernel"));
	for (size_t i = 0; i < ram_size; i++)
		if (ram[i])
			fail_msg("byte 0x%zx written by a failed load", i);

	free(vm);
	free(img);
	free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_header),
		cmocka_unit_test(test_image_pre_317),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_short_image),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_loader_load),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
