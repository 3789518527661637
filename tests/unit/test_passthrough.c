/* SPDX-License-Identifier: MIT */
/*
 * passthrough_check() on a tree shaped like QEMU virt's
 * (tests/unit/dts/passthrough-virt.dts): only devices moat knows cannot
 * master DMA are accepted, each refusal is one line naming the device and
 * why, and the older overlap and interrupt checks still hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/passthrough.h"
#include "lib/err.h"

#ifndef DT_DIR
#define DT_DIR "build/dts"
#endif

#define GIC_LINES 288	/* QEMU virt: ITLinesNumber 8 */

static void *fdt;
static struct platform plat;

static int setup(void **state)
{
	char path[256];
	const char *err = NULL;
	FILE *f;
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/passthrough-virt.dtb", DT_DIR);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	fdt = malloc((size_t)n);
	if (fread(fdt, 1, (size_t)n, f) != (size_t)n)
		return -1;
	fclose(f);
	if (platform_parse(fdt, (size_t)n, &plat, &err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(fdt);
	return 0;
}

static struct vm_config vm(const char *name, u64 base, u64 size, u32 intid)
{
	struct vm_config c;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, name);
	c.nr_vcpus = 1;
	c.mem_base = 0x40000000;
	c.mem_size = 0x1000000;
	c.nr_pt = 1;
	c.pt[0].base = base;
	c.pt[0].size = size;
	c.pt[0].intid = intid;
	return c;
}

/* One VM with one entry: expect @want ("" for accepted). */
static void expect(u64 base, u64 size, u32 intid, const char *want)
{
	struct vm_config c = vm("x", base, size, intid);
	char err[CONFIG_ERR_MAX] = "";
	int ret = passthrough_check(&plat, GIC_LINES, &c, 0, err);

	if (strcmp(err, want))
		fail_msg("0x%llx: got \"%s\"\n want \"%s\"", (unsigned long long)base, err, want);
	assert_int_equal(ret, *want ? -EINVAL : 0);
	assert_null(strchr(err, '\n'));
}

#define ALLOWED "(arm,pl031, arm,pl061, arm,pl011, arm,sbsa-uart)"

static void test_allowed_devices(void **state)
{
	(void)state;
	expect(0x09010000, 0x1000, 34, "");			/* PL031 RTC */
	expect(0x09030000, 0x1000, 0, "");			/* PL061 GPIO */
	expect(0x09040000, 0x1000, 40, "");			/* a second PL011, not the console */
	expect(0x09102000, 0x1000, 0, "");			/* PL061 behind a translating bus */
}

static void test_dma_masters_refused(void **state)
{
	(void)state;
	expect(0x09020000, 0x1000, 0,
	       "config: VM 'x': passthrough 0x09020000 is /fw-cfg@9020000 (qemu,fw-cfg-mmio): it can "
	       "master DMA and would reach moat's memory; moat passes through only devices that "
	       "cannot " ALLOWED);
	expect(0x0a000000, 0x1000, 0,
	       "config: VM 'x': passthrough 0x0a000000 is /virtio_mmio@a000000 (virtio,mmio): it can "
	       "master DMA and would reach moat's memory; moat passes through only devices that "
	       "cannot " ALLOWED);
	expect(0x08080000, 0x20000, 0,
	       "config: VM 'x': passthrough 0x08080000 is /intc@8000000/its@8080000 (arm,gic-v3-its): "
	       "it reads and writes its tables in memory (DMA) and routes every device's MSIs; moat "
	       "passes through only devices that cannot " ALLOWED);
	expect(0x4010000000ULL, 0x1000, 0,
	       "config: VM 'x': passthrough 0x4010000000 is /pcie@10000000 (pci-host-ecam-generic): "
	       "the PCI devices behind it can master DMA and would reach moat's memory; moat passes "
	       "through only devices that cannot " ALLOWED);
	/* The RTC shares its page with fw_cfg: the page would give both. */
	expect(0x09060000, 0x1000, 0,
	       "config: VM 'x': passthrough 0x09060000 is /fw-cfg@9060800 (qemu,fw-cfg-mmio): it can "
	       "master DMA and would reach moat's memory; moat passes through only devices that "
	       "cannot " ALLOWED);
	/* A range reaching past the RTC into fw_cfg. */
	expect(0x09010000, 0x11000, 0,
	       "config: VM 'x': passthrough 0x09010000 is /fw-cfg@9020000 (qemu,fw-cfg-mmio): it can "
	       "master DMA and would reach moat's memory; moat passes through only devices that "
	       "cannot " ALLOWED);
}

static void test_unknown_and_missing_refused(void **state)
{
	(void)state;
	expect(0x09050000, 0x1000, 0,
	       "config: VM 'x': passthrough 0x09050000 is /nocompat@9050000, which has no compatible: "
	       "moat passes through only devices it knows cannot master DMA " ALLOWED);
	/* The PCIe MMIO window is no node's reg. */
	expect(0x10000000, 0x1000, 0,
	       "config: VM 'x': passthrough [0x10000000, 0x10001000) is not a device of the boot "
	       "device tree: give a range inside one device node's reg");
	/* Larger than the device: the rest is nobody's. */
	expect(0x09030000, 0x2000, 0,
	       "config: VM 'x': passthrough [0x9030000, 0x9032000) is not a device of the boot "
	       "device tree: give a range inside one device node's reg");
}

static void test_overlaps_kept(void **state)
{
	(void)state;
	expect(0x40000000, 0x1000, 0,
	       "config: VM 'x': property 'passthrough' entry 0 [0x40000000, 0x40001000) overlaps RAM");
	expect(0x08000000, 0x1000, 0, "config: VM 'x': property 'passthrough' entry 0 "
	       "[0x8000000, 0x8001000) overlaps the GIC distributor");
	expect(0x080a0000, 0x1000, 0, "config: VM 'x': property 'passthrough' entry 0 "
	       "[0x80a0000, 0x80a1000) overlaps the GIC redistributors");
	expect(0x09000000, 0x1000, 0, "config: VM 'x': property 'passthrough' entry 0 "
	       "[0x9000000, 0x9001000) overlaps moat's console UART");
}

static void test_two_vms(void **state)
{
	struct vm_config c[2] = { vm("a", 0x09010000, 0x1000, 34), vm("b", 0x09010000, 0x1000, 0) };
	char err[CONFIG_ERR_MAX] = "";

	(void)state;
	assert_int_equal(passthrough_check(&plat, GIC_LINES, c, 0, err), 0);
	assert_int_equal(passthrough_check(&plat, GIC_LINES, c, 1, err), -EINVAL);
	assert_string_equal(err, "config: VM 'b': property 'passthrough' entry 0 "
			    "[0x9010000, 0x9011000) overlaps a device passed to another VM");
	c[1] = vm("b", 0x09030000, 0x1000, 34);
	assert_int_equal(passthrough_check(&plat, GIC_LINES, c, 1, err), -EINVAL);
	assert_string_equal(err, "config: VM 'b': property 'passthrough' entry 0 interrupt 34 is "
			    "already given to VM 'a'");
}

static void test_interrupts(void **state)
{
	(void)state;
	expect(0x09010000, 0x1000, 33, "config: VM 'x': property 'passthrough' entry 0 interrupt 33 "
	       "is the interrupt of moat's console UART");
	expect(0x09010000, 0x1000, GIC_LINES, "config: VM 'x': property 'passthrough' entry 0 "
	       "interrupt 288 does not exist: this GIC has INTIDs up to 287 "
	       "(GICD_TYPER.ITLinesNumber)");
	expect(0x09010000, 0x1000, GIC_LINES - 1, "");
	{
		struct vm_config c = vm("x", 0x09010000, 0x1000, 34);
		char err[CONFIG_ERR_MAX] = "";

		assert_int_equal(passthrough_check(&plat, 0, &c, 0, err), -EINVAL);
		assert_string_equal(err, "config: VM 'x': property 'passthrough' entry 0 interrupt 34: "
				    "moat found no usable GIC, so it cannot forward interrupts (use 0)");
	}
}

static void test_allowlist_table(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_true(passthrough_allowed("arm,pl031", &why));
	assert_true(passthrough_allowed("arm,pl061", &why));
	assert_true(passthrough_allowed("arm,pl011", &why));
	assert_false(passthrough_allowed("qemu,fw-cfg-mmio", &why));
	assert_string_equal(why, "it can master DMA and would reach moat's memory");
	assert_false(passthrough_allowed("arm,smmu-v3", &why));
	assert_false(passthrough_allowed("syscon-poweroff", &why));
	/* Only an exact match counts, and an unknown device is refused. */
	assert_false(passthrough_allowed("arm,pl03", &why));
	assert_false(passthrough_allowed("arm,primecell", &why));
	assert_string_equal(why, "moat does not know this device, so cannot tell that it cannot "
			    "master DMA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_devices),
		cmocka_unit_test(test_dma_masters_refused),
		cmocka_unit_test(test_unknown_and_missing_refused),
		cmocka_unit_test(test_overlaps_kept),
		cmocka_unit_test(test_two_vms),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_allowlist_table),
	};

	return cmocka_run_group_tests_name("passthrough", tests, setup, teardown);
}
