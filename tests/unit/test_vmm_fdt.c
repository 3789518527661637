/* SPDX-License-Identifier: MIT */
/* moat-vmm's guest device tree: what Linux needs to find, read back with libfdt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <libfdt.h>

#include "../../host/vmm/vmm.h"
#include <moat/hypercall.h>

static char dtb[65536];

static struct vmm *make(unsigned int cpus, bool blk, uint64_t initrd_size)
{
	static struct vmm v;

	memset(&v, 0, sizeof(v));
	v.opt.cpus = cpus;
	v.opt.append = "console=ttyAMA0 rdinit=/init";
	v.mem = (struct guest_mem){ .ipa = GUEST_RAM_BASE, .size = 160ULL << 20 };
	v.has_blk = blk;
	v.initrd_ipa = 0x49000000;
	v.initrd_size = initrd_size;
	assert_int_equal(vmm_build_fdt(&v, dtb, sizeof(dtb)), 0);
	assert_int_equal(fdt_check_header(dtb), 0);
	return &v;
}

static uint64_t u64_at(const void *p, int i)
{
	fdt64_t v;

	/* Properties are only 4-byte aligned. */
	memcpy(&v, (const char *)p + 8 * i, sizeof(v));
	return fdt64_to_cpu(v);
}

static void test_cpus_gic_and_memory(void **state)
{
	const void *p;
	int node, len, n = 0;

	make(3, false, 0);
	node = fdt_path_offset(dtb, "/cpus");
	assert_true(node >= 0);
	fdt_for_each_subnode(node, dtb, fdt_path_offset(dtb, "/cpus")) {
		assert_string_equal(fdt_getprop(dtb, node, "enable-method", NULL), "psci");
		assert_int_equal(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(dtb, node, "reg", NULL)), n);
		n++;
	}
	assert_int_equal(n, 3);
	node = fdt_node_offset_by_compatible(dtb, -1, "arm,gic-v3");
	assert_true(node >= 0);
	p = fdt_getprop(dtb, node, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(u64_at(p, 0), MOAT_HOSTED_GICD_BASE);
	assert_int_equal(u64_at(p, 2), MOAT_HOSTED_GICR_BASE);
	/* One redistributor frame pair per vCPU: Linux finds exactly as many. */
	assert_int_equal(u64_at(p, 3), 3 * MOAT_HOSTED_GICR_STRIDE);
	node = fdt_node_offset_by_compatible(dtb, -1, "arm,psci-1.0");
	assert_true(node >= 0);
	assert_string_equal(fdt_getprop(dtb, node, "method", NULL), "hvc");
	node = fdt_path_offset(dtb, "/memory@40000000");
	p = fdt_getprop(dtb, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(u64_at(p, 0), GUEST_RAM_BASE);
	assert_int_equal(u64_at(p, 1), 160ULL << 20);
}

static void test_chosen_and_console(void **state)
{
	const char *path;
	const void *p;
	int node, len;

	make(1, false, 12345);
	node = fdt_path_offset(dtb, "/chosen");
	assert_string_equal(fdt_getprop(dtb, node, "bootargs", NULL), "console=ttyAMA0 rdinit=/init");
	assert_int_equal(u64_at(fdt_getprop(dtb, node, "linux,initrd-start", NULL), 0),
			 0x49000000);
	assert_int_equal(u64_at(fdt_getprop(dtb, node, "linux,initrd-end", NULL), 0),
			 0x49000000 + 12345);
	/* stdout-path names the PL011, which has its SPI and both clocks. */
	path = fdt_getprop(dtb, node, "stdout-path", NULL);
	node = fdt_path_offset(dtb, path);
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(dtb, node, "arm,pl011"), 0);
	assert_int_equal(fdt_node_check_compatible(dtb, node, "arm,primecell"), 0);
	p = fdt_getprop(dtb, node, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_to_cpu(((const fdt32_t *)p)[1]), VMM_UART_SPI);
	p = fdt_getprop(dtb, node, "clocks", &len);
	assert_int_equal(len, 8);
	assert_true(fdt_node_offset_by_phandle(dtb, fdt32_to_cpu(*(const fdt32_t *)p)) >= 0);
	/* No virtio node without --disk, no initrd properties without --initrd. */
	assert_true(fdt_node_offset_by_compatible(dtb, -1, "virtio,mmio") < 0);
	make(1, false, 0);
	assert_null(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), "linux,initrd-start", NULL));
}

static void test_virtio_node_with_disk(void **state)
{
	const void *p;
	int node, len;

	make(2, true, 0);
	node = fdt_node_offset_by_compatible(dtb, -1, "virtio,mmio");
	assert_true(node >= 0);
	p = fdt_getprop(dtb, node, "reg", &len);
	assert_int_equal(u64_at(p, 0), VMM_VIRTIO_BASE);
	p = fdt_getprop(dtb, node, "interrupts", &len);
	assert_int_equal(fdt32_to_cpu(((const fdt32_t *)p)[1]), VMM_VIRTIO_SPI);
}

static void test_too_small_buffer_fails(void **state)
{
	struct vmm v;

	memset(&v, 0, sizeof(v));
	v.opt.cpus = 8;
	v.mem = (struct guest_mem){ .ipa = GUEST_RAM_BASE, .size = 64ULL << 20 };
	assert_int_equal(vmm_build_fdt(&v, dtb, 256), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_gic_and_memory),
		cmocka_unit_test(test_chosen_and_console),
		cmocka_unit_test(test_virtio_node_with_disk),
		cmocka_unit_test(test_too_small_buffer_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
