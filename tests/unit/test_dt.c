/* SPDX-License-Identifier: MIT */
/*
 * platform_parse() on device trees compiled by dtc from tests/unit/dts/
 * (into DT_DIR, relative to the repo root): QEMU-virt-like trees give the
 * expected platform; broken ones give their specific one-line error.
 * Every blob sits in a heap buffer of exactly the size passed, so ASan
 * catches any read past it.
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

#include "lib/err.h"
#include "lib/platform.h"

#ifndef DT_DIR
#define DT_DIR "build/dts"
#endif

static void *load(const char *name, size_t *size)
{
	char path[256];
	FILE *f;
	long n;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s.dtb", DT_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repo root after make)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Parse @name; expect success. */
static void parse_ok(const char *name, struct platform *plat, void **blob)
{
	const char *err = "unset";
	size_t size;
	void *fdt = load(name, &size);
	int ret = platform_parse(fdt, size, plat, &err);

	if (ret)
		fail_msg("%s: platform_parse returned %d: %s", name, ret, err ? err : "(no message)");
	assert_null(err);
	*blob = fdt;
}

/* Parse @len bytes of @buf; expect @want_ret and exactly the message @want_err. */
static void expect_err_buf(const void *buf, size_t len, int want_ret, const char *want_err)
{
	struct platform plat;
	const char *err = NULL;
	int ret = platform_parse(buf, len, &plat, &err);

	assert_non_null(err);
	if (strcmp(err, want_err) != 0)
		fail_msg("got \"%s\", want \"%s\"", err, want_err);
	assert_int_equal(ret, want_ret);
	assert_null(strchr(err, '\n'));
	/* A NULL err pointer is allowed. */
	assert_int_equal(platform_parse(buf, len, &plat, NULL), want_ret);
}

static void expect_err(const char *name, int want_ret, const char *want_err)
{
	size_t size;
	void *fdt = load(name, &size);

	expect_err_buf(fdt, size, want_ret, want_err);
	free(fdt);
}

static bool has_reserved(const struct platform *p, u64 base, u64 size)
{
	for (unsigned i = 0; i < p->nr_reserved; i++)
		if (p->reserved[i].base == base && p->reserved[i].size == size)
			return true;
	return false;
}

static void test_virt_4cpu(void **state)
{
	struct platform p;
	void *fdt;

	(void)state;
	parse_ok("virt-4cpu", &p, &fdt);

	assert_int_equal(p.nr_mem, 1);
	assert_int_equal(p.mem[0].base, 0x40000000);
	assert_int_equal(p.mem[0].size, 0x40000000);

	assert_int_equal(p.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(p.cpu_mpidr[i], i);

	assert_int_equal(p.psci, PSCI_CONDUIT_SMC);
	assert_int_equal(p.psci_cpu_on, 0xc4000003);

	assert_int_equal(p.gicd.base, 0x8000000);
	assert_int_equal(p.gicd.size, 0x10000);
	assert_int_equal(p.nr_gicr, 1);
	assert_int_equal(p.gicr[0].base, 0x80a0000);
	assert_int_equal(p.gicr[0].size, 0xf60000);
	assert_int_equal(p.gic_maint_intid, 25);

	assert_int_equal(p.timer_sec_phys, 29);
	assert_int_equal(p.timer_phys, 30);
	assert_int_equal(p.timer_virt, 27);
	assert_int_equal(p.timer_hyp, 26);

	assert_true(p.have_uart);
	assert_int_equal(p.uart.base, 0x9000000);
	assert_int_equal(p.uart.size, 0x1000);

	assert_int_equal(p.initrd.base, 0x48000000);
	assert_int_equal(p.initrd.size, 0x800000);
	assert_non_null(p.bootargs);
	assert_string_equal(p.bootargs, "console=ttyAMA0 earlycon");

	/* The blob, the initrd, the one non-empty /memreserve/, the enabled reserved-memory child. */
	assert_int_equal(p.nr_reserved, 4);
	assert_true(has_reserved(&p, (u64)(uintptr_t)fdt, fdt_totalsize(fdt)));
	assert_true(has_reserved(&p, 0x48000000, 0x800000));
	assert_true(has_reserved(&p, 0x40000000, 0x1000));
	assert_true(has_reserved(&p, 0x7e000000, 0x200000));
	free(fdt);
}

static void test_virt_1cpu(void **state)
{
	struct platform p;
	void *fdt;

	(void)state;
	parse_ok("virt-1cpu", &p, &fdt);

	/* Two nodes, three banks, in order. */
	assert_int_equal(p.nr_mem, 3);
	assert_int_equal(p.mem[0].base, 0x80000000);
	assert_int_equal(p.mem[0].size, 0x20000000);
	assert_int_equal(p.mem[1].base, 0xa0000000);
	assert_int_equal(p.mem[1].size, 0x10000000);
	assert_int_equal(p.mem[2].base, 0xc0000000);
	assert_int_equal(p.mem[2].size, 0x1000000);

	/* 2-cell reg; the disabled CPU is skipped. */
	assert_int_equal(p.nr_cpus, 1);
	assert_int_equal(p.cpu_mpidr[0], 0x100000100ULL);

	/* PSCI 0.1 takes CPU_ON from the node. */
	assert_int_equal(p.psci, PSCI_CONDUIT_HVC);
	assert_int_equal(p.psci_cpu_on, 0x84000003);

	/* Translated through /soc's ranges (+0x10000000); two redistributor regions. */
	assert_int_equal(p.gicd.base, 0x1f000000);
	assert_int_equal(p.nr_gicr, 2);
	assert_int_equal(p.gicr[0].base, 0x1f100000);
	assert_int_equal(p.gicr[1].base, 0x1f200000);
	assert_int_equal(p.gicr[1].size, 0x80000);
	assert_int_equal(p.gic_maint_intid, 25);
	assert_int_equal(p.timer_hyp, 26);
	assert_int_equal(p.timer_virt, 27);

	/* stdout-path "serial0:115200n8" through /aliases. */
	assert_true(p.have_uart);
	assert_int_equal(p.uart.base, 0x1c090000);

	/* 64-bit initrd cells. */
	assert_int_equal(p.initrd.base, 0x90000000);
	assert_int_equal(p.initrd.size, 0x400000);
	assert_null(p.bootargs);
	assert_int_equal(p.nr_reserved, 2);
	assert_true(has_reserved(&p, 0x90000000, 0x400000));
	free(fdt);
}

static void test_minimal(void **state)
{
	struct platform p;
	void *fdt;

	(void)state;
	parse_ok("minimal", &p, &fdt);
	assert_int_equal(p.nr_mem, 1);
	assert_int_equal(p.nr_cpus, 1);
	assert_int_equal(p.psci, PSCI_CONDUIT_NONE);
	assert_int_equal(p.gicd.size, 0);
	assert_int_equal(p.nr_gicr, 0);
	assert_int_equal(p.timer_hyp, 0);
	assert_false(p.have_uart);
	assert_int_equal(p.initrd.size, 0);
	assert_int_equal(p.nr_reserved, 1);	/* the blob */
	free(fdt);

	parse_ok("uart-not-pl011", &p, &fdt);
	assert_false(p.have_uart);
	free(fdt);
}

static void test_truncated(void **state)
{
	size_t size;
	void *fdt = load("virt-4cpu", &size);
	char want[128];

	(void)state;
	/* The same bytes, in a buffer cut short. */
	for (size_t cut = 40; cut < size; cut += 97) {
		void *part = malloc(cut);

		memcpy(part, fdt, cut);
		snprintf(want, sizeof(want),
			 "device tree: truncated (totalsize %zu > %zu bytes available)", size, cut);
		expect_err_buf(part, cut, -EINVAL, want);
		free(part);
	}
	free(fdt);
}

static void test_tiny_and_garbage(void **state)
{
	static const unsigned char garbage[64] = "this is not a device tree blob, honest. not at all. no.";
	unsigned char *buf = malloc(64);
	size_t size;
	void *fdt = load("virt-4cpu", &size);

	(void)state;
	expect_err_buf(NULL, 0, -EINVAL, "device tree: 0 bytes is too small for a header (40)");
	expect_err_buf(buf, 0, -EINVAL, "device tree: 0 bytes is too small for a header (40)");
	expect_err_buf(fdt, 39, -EINVAL, "device tree: 39 bytes is too small for a header (40)");
	memcpy(buf, garbage, 64);
	expect_err_buf(buf, 64, -EINVAL, "device tree: bad magic 0x74686973, not a device tree blob");

	/* Version 16 and older (full-path node names) are refused before libfdt walks them. */
	buf = realloc(buf, size);
	memcpy(buf, fdt, size);
	((fdt32_t *)buf)[5] = cpu_to_fdt32(12);	/* version */
	expect_err_buf(buf, size, -ENOTSUP, "device tree: version 12 is too old (moat needs 17 or later)");
	/* Node names from the blob cannot break the message into two lines. */
	memcpy(buf, fdt, size);
	{
		int gic = fdt_node_offset_by_compatible(buf, -1, "arm,gic-v3");
		fdt32_t two = cpu_to_fdt32(2);
		char *name = (char *)fdt_get_name(buf, gic, NULL);

		assert_int_equal(fdt_setprop_inplace(buf, gic, "#interrupt-cells", &two, 4), 0);
		name[2] = '\n';
		expect_err_buf(buf, size, -ENOTSUP,
			       "device tree: in?c@8000000: #interrupt-cells = 2 not supported (3 or 4)");
	}

	/* Right magic, nonsense header. */
	memcpy(buf, fdt, 64);
	((fdt32_t *)buf)[1] = cpu_to_fdt32(64);	/* totalsize */
	((fdt32_t *)buf)[2] = cpu_to_fdt32(0x7fffff00);	/* off_dt_struct */
	expect_err_buf(buf, 64, -EINVAL, "device tree: bad header: FDT_ERR_TRUNCATED");
	free(buf);

	/* Corrupt the structure block: a bad tag right after the root node's header. */
	buf = malloc(size);
	memcpy(buf, fdt, size);
	((fdt32_t *)(buf + fdt_off_dt_struct(fdt)))[2] = cpu_to_fdt32(0x77);
	expect_err_buf(buf, size, -EINVAL, "device tree: malformed structure: FDT_ERR_BADSTRUCTURE");
	free(buf);
	free(fdt);
}

static void test_missing_nodes(void **state)
{
	(void)state;
	expect_err("no-memory", -ENOENT, "device tree: no /memory node");
	expect_err("no-cpus", -ENOENT, "device tree: no /cpus node");
	expect_err("all-cpus-disabled", -ENOENT, "device tree: /cpus has no enabled cpu nodes");
}

static void test_absurd_values(void **state)
{
	(void)state;
	expect_err("mem-size-max", -EINVAL,
		   "device tree: memory bank 0x40000000 + 0xffffffffffffffff wraps past 2^64 (memory@0)");
	expect_err("mem-wrap", -EINVAL,
		   "device tree: memory bank 0xffffffff00000000 + 0x200000000 wraps past 2^64 (memory@0)");
	expect_err("mem-size-zero", -EINVAL, "device tree: memory bank size 0 (memory@0, reg[0] at 0x40000000)");
	expect_err("mem-beyond-pa", -EINVAL,
		   "device tree: memory bank 0x0 + 0xffffffffffffffff ends beyond the 52-bit physical "
		   "address space (memory@0)");
	expect_err("mem-overlap", -EINVAL,
		   "device tree: memory banks 0x40000000 + 0x40000000 and 0x60000000 + 0x40000000 overlap");
	expect_err("mem-bad-reg", -EINVAL,
		   "device tree: memory@40000000: reg has length 12, not a multiple of 16");
	expect_err("bad-cells", -ENOTSUP, "device tree: /: #address-cells = 3 not supported (1 or 2)");
	expect_err("cpus-300", -E2BIG, "device tree: /cpus has 300 CPUs, moat supports 16");
	expect_err("cpu-bad-mpidr", -EINVAL,
		   "device tree: /cpus/cpu@1: reg 0x10001000000 is not an MPIDR affinity value");
	expect_err("cpu-dup", -EINVAL, "device tree: /cpus/cpu@1: MPIDR 0x0 appears twice");
	expect_err("psci-bad-method", -EINVAL,
		   "device tree: psci: method is neither \"smc\" nor \"hvc\"");
	expect_err("initrd-backwards", -EINVAL,
		   "device tree: /chosen: initrd end 0x47000000 below start 0x48000000");
	expect_err("gic-missing-redist", -EINVAL,
		   "device tree: intc@8000000: reg has no redistributor region 1");
	expect_err("reserved-wrap", -EINVAL,
		   "device tree: /memreserve/ 0xfffffffffffff000 + 0x2000 wraps past 2^64");
}

/* Edit a good tree with libfdt to hit the paths dtc will not build for us. */
static void test_edited_trees(void **state)
{
	size_t size;
	void *fdt = load("virt-4cpu", &size);
	size_t big = size + 4096;
	void *buf = malloc(big);
	struct platform p;
	const char *err;
	int node;

	(void)state;
	/* Too many reserved ranges. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	for (int i = 0; i < PLAT_MAX_RESERVED; i++)
		assert_int_equal(fdt_add_mem_rsv(buf, 0x100000000ULL + (u64)i * 0x10000, 0x1000), 0);
	assert_int_equal(fdt_pack(buf), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), -ENOSPC);
	assert_string_equal(err, "device tree: more than 32 reserved ranges (/memreserve/ "
			    "0x1001d0000 + 0x1000 is one too many, counting moat, the tree and the "
			    "initrd); moat supports 32");

	/* A stdout-path that is not NUL-terminated, naming nothing: no UART, no overread. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_path_offset(buf, "/chosen");
	assert_int_equal(fdt_setprop(buf, node, "stdout-path", "/nowhere", 8), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), 0);
	assert_false(p.have_uart);

	/* Odd-length initrd property. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_path_offset(buf, "/chosen");
	assert_int_equal(fdt_setprop(buf, node, "linux,initrd-start", "abc", 3), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: /chosen: linux,initrd-start has length 3, expected 4 or 8");

	/* A timer interrupt that is not a GIC PPI/SPI. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_node_offset_by_compatible(buf, -1, "arm,armv8-timer");
	{
		fdt32_t irq[3] = { cpu_to_fdt32(7), cpu_to_fdt32(1), cpu_to_fdt32(4) };

		assert_int_equal(fdt_setprop(buf, node, "interrupts", irq, sizeof(irq)), 0);
	}
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: timer: interrupts[0] <7 1 ...> is not a GIC interrupt");

	/* Only an initrd-start. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_path_offset(buf, "/chosen");
	assert_int_equal(fdt_delprop(buf, node, "linux,initrd-end"), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: /chosen: linux,initrd-start without linux,initrd-end");

	/* A UART behind a bus without ranges cannot be reached. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_add_subnode(buf, 0, "bus");
	{
		fdt32_t one = cpu_to_fdt32(1);
		fdt32_t reg[2] = { cpu_to_fdt32(0x1000), cpu_to_fdt32(0x1000) };
		int uart;

		assert_true(node > 0);
		assert_int_equal(fdt_setprop(buf, node, "#address-cells", &one, 4), 0);
		assert_int_equal(fdt_setprop(buf, node, "#size-cells", &one, 4), 0);
		uart = fdt_add_subnode(buf, node, "serial@1000");
		assert_true(uart > 0);
		assert_int_equal(fdt_setprop_string(buf, uart, "compatible", "arm,pl011"), 0);
		assert_int_equal(fdt_setprop(buf, uart, "reg", reg, sizeof(reg)), 0);
		node = fdt_path_offset(buf, "/chosen");
		assert_int_equal(fdt_setprop_string(buf, node, "stdout-path", "/bus/serial@1000"), 0);
	}
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: serial@1000: bus bus has no ranges, address not reachable");

	free(buf);
	free(fdt);
}

/* moat's own image is reserved before anything the tree lists. */
static void test_image_reserved_first(void **state)
{
	const struct plat_range image = { 0x40080000, 0x200000 };
	size_t size;
	void *fdt = load("reserved-14", &size);
	size_t big = size + 4096;
	void *buf = malloc(big);
	struct platform p;
	const char *err = NULL;
	int room;

	(void)state;
	/* Issue 9: 14 ranges + blob + initrd filled the old table of 16. */
	assert_int_equal(platform_parse_image(fdt, size, &image, &p, &err), 0);
	assert_int_equal(p.nr_reserved, 17);
	assert_int_equal(p.reserved[0].base, image.base);
	assert_int_equal(p.reserved[0].size, image.size);
	assert_true(has_reserved(&p, 0x70d00000, 0x10000));

	/* Fill the table exactly: still the image first. */
	room = PLAT_MAX_RESERVED - 17;
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	for (int i = 0; i < room; i++)
		assert_int_equal(fdt_add_mem_rsv(buf, 0x60000000ULL + (u64)i * 0x10000, 0x1000), 0);
	assert_int_equal(platform_parse_image(buf, big, &image, &p, &err), 0);
	assert_int_equal(p.nr_reserved, PLAT_MAX_RESERVED);
	assert_int_equal(p.reserved[0].base, image.base);

	/* One more: the parse fails (the boot stops) instead of dropping any range. */
	assert_int_equal(fdt_add_mem_rsv(buf, 0x6f000000ULL, 0x1000), 0);
	assert_int_equal(platform_parse_image(buf, big, &image, &p, &err), -ENOSPC);
	assert_string_equal(err, "device tree: more than 32 reserved ranges (/reserved-memory "
			    "0x70d00000 + 0x10000 is one too many, counting moat, the tree and the "
			    "initrd); moat supports 32");
	free(buf);
	free(fdt);
}

/* Timer interrupts must be PPIs; the initrd must be in RAM. */
static void test_timer_and_initrd_checks(void **state)
{
	size_t size;
	void *fdt = load("virt-4cpu", &size);
	size_t big = size + 4096;
	void *buf = malloc(big);
	struct platform p;
	const char *err = NULL;
	int node;

	(void)state;
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_node_offset_by_compatible(buf, -1, "arm,armv8-timer");
	{
		/* Secure physical PPI 13, then an SPI 5. */
		fdt32_t irq[6] = { cpu_to_fdt32(1), cpu_to_fdt32(13), cpu_to_fdt32(4),
				   cpu_to_fdt32(0), cpu_to_fdt32(5), cpu_to_fdt32(4) };

		assert_int_equal(fdt_setprop(buf, node, "interrupts", irq, sizeof(irq)), 0);
	}
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: timer: interrupts[1] is INTID 37; timer interrupts "
			    "must be PPIs (INTID 16..31, specifier <1 N ...>)");

	/* An initrd below RAM, and one running past its end. */
	assert_int_equal(fdt_open_into(fdt, buf, (int)big), 0);
	node = fdt_path_offset(buf, "/chosen");
	assert_int_equal(fdt_setprop_u64(buf, node, "linux,initrd-start", 0x10000000), 0);
	assert_int_equal(fdt_setprop_u64(buf, node, "linux,initrd-end", 0x10100000), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: /chosen: initrd [0x10000000, 0x10100000) is not "
			    "inside one /memory bank");
	assert_int_equal(fdt_setprop_u64(buf, node, "linux,initrd-start", 0x7ff00000), 0);
	assert_int_equal(fdt_setprop_u64(buf, node, "linux,initrd-end", 0x80001000), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), -EINVAL);
	assert_string_equal(err, "device tree: /chosen: initrd [0x7ff00000, 0x80001000) is not "
			    "inside one /memory bank");
	/* Ending exactly at the end of RAM is fine. */
	assert_int_equal(fdt_setprop_u64(buf, node, "linux,initrd-end", 0x80000000), 0);
	assert_int_equal(platform_parse(buf, big, &p, &err), 0);
	free(buf);
	free(fdt);
}

static void test_platform_reserve(void **state)
{
	struct platform p;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(platform_reserve(&p, 0x1000, 0), 0);
	assert_int_equal(p.nr_reserved, 0);
	assert_int_equal(platform_reserve(&p, 0xfffffffffffff000ULL, 0x1001), -EINVAL);
	assert_int_equal(platform_reserve(&p, 0xfffffffffffff000ULL, 0x1000), 0);
	assert_int_equal(platform_reserve(&p, 0xfffffffffffff000ULL, 0x1000), 0);	/* duplicate */
	assert_int_equal(p.nr_reserved, 1);
	for (unsigned i = 1; i < PLAT_MAX_RESERVED; i++)
		assert_int_equal(platform_reserve(&p, i * 0x1000, 0x1000), 0);
	assert_int_equal(platform_reserve(&p, 0x100000000ULL, 0x1000), -ENOSPC);
	assert_int_equal(p.nr_reserved, PLAT_MAX_RESERVED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virt_4cpu),
		cmocka_unit_test(test_virt_1cpu),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_tiny_and_garbage),
		cmocka_unit_test(test_missing_nodes),
		cmocka_unit_test(test_absurd_values),
		cmocka_unit_test(test_edited_trees),
		cmocka_unit_test(test_platform_reserve),
		cmocka_unit_test(test_image_reserved_first),
		cmocka_unit_test(test_timer_and_initrd_checks),
	};

	return cmocka_run_group_tests_name("dt", tests, NULL, NULL);
}
