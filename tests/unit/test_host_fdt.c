// SPDX-License-Identifier: MIT
/*
 * The host's device tree (src/core/host_fdt.c): moat's boot tree filtered.
 * Input: tests/unit/dts/host-virt.dts (compiled into build/dts/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "core/host_fdt.h"

#define DTB "build/dts/host-virt.dtb"

static void *boot_tree;
static u8 out[65536];

static int setup(void **state)
{
	FILE *f = fopen(DTB, "rb");
	long n;

	if (!f)
		fail_msg("cannot open %s (run from the repo root after make)", DTB);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	/* Like QEMU's: mostly free space (1 MiB), which must not be copied. */
	boot_tree = calloc(1, 1 << 20);
	assert_int_equal(fread(boot_tree, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(fdt_open_into(boot_tree, boot_tree, 1 << 20), 0);
	return 0;
}

static int teardown(void **state)
{
	free(boot_tree);
	return 0;
}

static u64 prop_u64(const void *fdt, const char *path, const char *name)
{
	int node = fdt_path_offset(fdt, path), len = 0;
	const fdt64_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, name, &len);

	assert_non_null(p);
	assert_int_equal(len, 8);
	return fdt64_ld(p);
}

static void test_filter(void **state)
{
	/* The host has CPUs 0 and 2 and two runs of RAM; another VM has the PL061. */
	static const u64 mpidr[] = { 0, 2 };
	static const struct plat_range mem[] = { { 0x40000000, 0x40000000 } };
	static const struct plat_range host_ram[] = { { 0x42200000, 0x5e00000 }, { 0x4a400000, 0x35c00000 } };
	static const struct plat_range taken[] = { { 0x9030000, 0x1000 } };
	struct host_fdt_params p = {
		.boot_fdt = boot_tree, .bootargs = "console=ttyAMA0 rdinit=/init",
		.initrd = 0x4a600000, .initrd_size = 0x123000,
		.mpidr = mpidr, .nr_cpus = 2, .mem = mem, .nr_mem = 1,
		.host_ram = host_ram, .nr_host_ram = 2, .taken = taken, .nr_taken = 1,
		.doorbell_intid = 288,
	};
	const struct { const char *path; u64 base, size; } rsv[] = {
		{ "/reserved-memory/moat@40000000", 0x40000000, 0x2200000 },
		{ "/reserved-memory/moat@48000000", 0x48000000, 0x2400000 },
	};
	int node, len;
	const char *s;

	assert_int_equal(host_fdt_build(out, sizeof(out), &p), 0);
	assert_int_equal(fdt_check_header(out), 0);
	assert_true(fdt_totalsize(out) < 8192);		/* packed, not the 1 MiB */
	/* moat's devices and the other VM's are gone; the rest stays. */
	assert_true(fdt_node_offset_by_compatible(out, -1, "qemu,fw-cfg-mmio") < 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "arm,gic-v3-its") < 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "arm,smmu-v3") < 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "arm,pl061") < 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "arm,pl031") >= 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "virtio,mmio") >= 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "arm,gic-v3") >= 0);
	assert_true(fdt_path_offset(out, "/pl011@9000000") >= 0);
	/* CPUs: the host's only, and no cpu-map naming the others. */
	assert_true(fdt_path_offset(out, "/cpus/cpu@0") >= 0);
	assert_true(fdt_path_offset(out, "/cpus/cpu@1") < 0);
	assert_true(fdt_path_offset(out, "/cpus/cpu@2") >= 0);
	assert_true(fdt_path_offset(out, "/cpus/cpu-map") < 0);
	/* PSCI through moat. */
	node = fdt_path_offset(out, "/psci");
	s = fdt_getprop(out, node, "method", &len);
	assert_non_null(s);
	assert_string_equal(s, "hvc");
	/* /chosen: the host's command line and initrd. */
	node = fdt_path_offset(out, "/chosen");
	assert_string_equal(fdt_getprop(out, node, "bootargs", NULL), "console=ttyAMA0 rdinit=/init");
	assert_int_equal(prop_u64(out, "/chosen", "linux,initrd-start"), 0x4a600000);
	assert_int_equal(prop_u64(out, "/chosen", "linux,initrd-end"), 0x4a723000);
	/* Every RAM range that is not the host's: reserved, no-map; nothing else. */
	for (size_t i = 0; i < 2; i++) {
		const fdt32_t *reg;

		node = fdt_path_offset(out, rsv[i].path);
		assert_true(node >= 0);
		assert_non_null(fdt_getprop(out, node, "no-map", NULL));
		reg = fdt_getprop(out, node, "reg", &len);
		assert_int_equal(len, 16);
		assert_int_equal(((u64)fdt32_ld(reg) << 32) | fdt32_ld(reg + 1), rsv[i].base);
		assert_int_equal(((u64)fdt32_ld(reg + 2) << 32) | fdt32_ld(reg + 3), rsv[i].size);
	}
	node = fdt_path_offset(out, "/reserved-memory");
	len = 0;
	for (int n = fdt_first_subnode(out, node); n >= 0; n = fdt_next_subnode(out, n))
		len++;
	assert_int_equal(len, 2);

	/* The doorbell: a moat node with its SPI (INTID 288 = SPI 256), edge rising. */
	node = fdt_node_offset_by_compatible(out, -1, "moat,hypervisor");
	assert_true(node >= 0);
	{
		const fdt32_t *irq = fdt_getprop(out, node, "interrupts", &len);

		assert_non_null(irq);
		assert_int_equal(len, 12);
		assert_int_equal(fdt32_ld(irq), 0);		/* GIC_SPI */
		assert_int_equal(fdt32_ld(irq + 1), 256);
		assert_int_equal(fdt32_ld(irq + 2), 1);		/* IRQ_TYPE_EDGE_RISING */
	}
	/* No doorbell, no node. */
	p.doorbell_intid = 0;
	assert_int_equal(host_fdt_build(out, sizeof(out), &p), 0);
	assert_true(fdt_node_offset_by_compatible(out, -1, "moat,hypervisor") < 0);
	p.doorbell_intid = 288;

	/* Too small a buffer: an error, not an overrun. */
	assert_int_equal(host_fdt_build(out, 1024, &p), -FDT_ERR_NOSPACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
