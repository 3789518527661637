/* SPDX-License-Identifier: MIT */
/* The guest device tree: build it, parse it back with libfdt, check every value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "core/guest_fdt.h"
#include "lib/err.h"

static u64 mpidrs[8];
static u8 fdt_buf[GUEST_FDT_MAX_SIZE] __aligned(8);

/* What moat gives a Linux guest on QEMU's virt layout. */
static struct guest_fdt_params virt_params(u32 nr_vcpus)
{
	for (u32 i = 0; i < ARRAY_SIZE(mpidrs); i++)
		mpidrs[i] = 0x80000000ULL | i;	/* RES1 bit 31, Aff0 = i */
	return (struct guest_fdt_params){
		.mem_base = 0x40000000, .mem_size = 512ULL << 20,
		.nr_vcpus = nr_vcpus, .mpidr = mpidrs,
		.gicd_base = 0x08000000, .gicd_size = 0x10000,
		.gicr_base = 0x080a0000,
		.gic_maint_intid = 25,
		.timer_sec_intid = 29, .timer_ns_intid = 30,
		.timer_virt_intid = 27, .timer_hyp_intid = 26,
		.uart_base = 0x09000000, .uart_size = 0x1000, .uart_intid = 33,
		.bootargs = "console=ttyAMA0 earlycon",
	};
}

static void build_ok(const struct guest_fdt_params *p)
{
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), p), 0);
	assert_int_equal(fdt_check_full(fdt_buf, sizeof(fdt_buf)), 0);
	assert_true(fdt_totalsize(fdt_buf) <= sizeof(fdt_buf));
}

static int node(const char *path)
{
	int off = fdt_path_offset(fdt_buf, path);

	if (off < 0)
		fail_msg("node %s missing (%d)", path, off);
	return off;
}

static const void *prop(int off, const char *name, int *len)
{
	const void *v = fdt_getprop(fdt_buf, off, name, len);

	if (!v)
		fail_msg("property %s missing", name);
	return v;
}

static u32 prop_u32(int off, const char *name)
{
	int len;
	const fdt32_t *v = prop(off, name, &len);

	assert_int_equal(len, 4);
	return fdt32_to_cpu(*v);
}

static u64 prop_u64(int off, const char *name)
{
	int len;
	const void *v = prop(off, name, &len);
	fdt64_t raw;

	assert_int_equal(len, 8);
	memcpy(&raw, v, sizeof(raw));	/* properties are only 4-byte aligned */
	return fdt64_to_cpu(raw);
}

static void assert_cells(int off, const char *name, const u32 *want, int n)
{
	int len;
	const fdt32_t *v = prop(off, name, &len);

	assert_int_equal(len, n * 4);
	for (int i = 0; i < n; i++)
		if (fdt32_to_cpu(v[i]) != want[i])
			fail_msg("%s[%d] = %#x, want %#x", name, i, fdt32_to_cpu(v[i]), want[i]);
}

/* A NUL-separated list, compared whole (pass sizeof(literal)). */
static void assert_strings(int off, const char *name, const char *want, int want_len)
{
	int len;
	const char *v = prop(off, name, &len);

	assert_int_equal(len, want_len);
	assert_memory_equal(v, want, (size_t)want_len);
}
#define ASSERT_STRINGS(off, name, lit) assert_strings(off, name, lit, sizeof(lit))

static void assert_empty(int off, const char *name)
{
	int len;

	(void)prop(off, name, &len);
	assert_int_equal(len, 0);
}

static int count_subnodes(int parent)
{
	int n = 0, child;

	fdt_for_each_subnode(child, fdt_buf, parent)
		n++;
	return n;
}

/* Everything that does not depend on the vCPU count or the initrd. */
static void check_common(const struct guest_fdt_params *p)
{
	int root = node("/"), off;

	assert_int_equal(prop_u32(root, "#address-cells"), 2);
	assert_int_equal(prop_u32(root, "#size-cells"), 2);
	ASSERT_STRINGS(root, "compatible", "linux,dummy-virt");
	assert_int_equal(prop_u32(root, "interrupt-parent"), GUEST_FDT_PHANDLE_GIC);

	off = node("/psci");
	ASSERT_STRINGS(off, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci");
	ASSERT_STRINGS(off, "method", "hvc");
	assert_int_equal(prop_u32(off, "cpu_on"), 0xc4000003);
	assert_int_equal(prop_u32(off, "cpu_off"), 0x84000002);

	off = node("/memory@40000000");
	ASSERT_STRINGS(off, "device_type", "memory");
	const u32 mem[] = { 0, 0x40000000, 0, 0x20000000 };
	assert_cells(off, "reg", mem, 4);

	/* The GIC, found through the root's interrupt-parent phandle. */
	off = fdt_node_offset_by_phandle(fdt_buf, GUEST_FDT_PHANDLE_GIC);
	assert_int_equal(off, node("/intc@8000000"));
	ASSERT_STRINGS(off, "compatible", "arm,gic-v3");
	assert_int_equal(prop_u32(off, "#interrupt-cells"), 3);
	assert_empty(off, "interrupt-controller");
	assert_int_equal(prop_u32(off, "#redistributor-regions"), 1);
	const u32 gic_reg[] = { 0, 0x08000000, 0, 0x10000,
				0, 0x080a0000, 0, 0x20000 * p->nr_vcpus };
	assert_cells(off, "reg", gic_reg, 8);
	const u32 maint[] = { 1, 9, 4 };
	assert_cells(off, "interrupts", maint, 3);

	off = node("/timer");
	ASSERT_STRINGS(off, "compatible", "arm,armv8-timer\0arm,armv7-timer");
	assert_empty(off, "always-on");
	const u32 timer[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };
	assert_cells(off, "interrupts", timer, 12);

	/* The UART and its clock. */
	int clk = fdt_node_offset_by_phandle(fdt_buf, GUEST_FDT_PHANDLE_CLK);
	assert_int_equal(clk, node("/apb-pclk"));
	ASSERT_STRINGS(clk, "compatible", "fixed-clock");
	assert_int_equal(prop_u32(clk, "#clock-cells"), 0);
	assert_int_equal(prop_u32(clk, "clock-frequency"), 24000000);

	off = node("/pl011@9000000");
	ASSERT_STRINGS(off, "compatible", "arm,pl011\0arm,primecell");
	const u32 uart_reg[] = { 0, 0x09000000, 0, 0x1000 };
	assert_cells(off, "reg", uart_reg, 4);
	const u32 uart_irq[] = { 0, 1, 4 };
	assert_cells(off, "interrupts", uart_irq, 3);
	const u32 clocks[] = { GUEST_FDT_PHANDLE_CLK, GUEST_FDT_PHANDLE_CLK };
	assert_cells(off, "clocks", clocks, 2);
	ASSERT_STRINGS(off, "clock-names", "uartclk\0apb_pclk");

	off = node("/chosen");
	ASSERT_STRINGS(off, "bootargs", "console=ttyAMA0 earlycon");
	ASSERT_STRINGS(off, "stdout-path", "/pl011@9000000");
	assert_int_equal(fdt_path_offset(fdt_buf, fdt_getprop(fdt_buf, off, "stdout-path", NULL)),
			 node("/pl011@9000000"));
	off = node("/aliases");
	ASSERT_STRINGS(off, "serial0", "/pl011@9000000");
	assert_int_equal(fdt_path_offset(fdt_buf, "serial0"), node("/pl011@9000000"));

	/* No reserved-memory entries. */
	assert_int_equal(fdt_num_mem_rsv(fdt_buf), 0);
}

static void check_cpus(const struct guest_fdt_params *p)
{
	int cpus = node("/cpus"), i = 0, cpu;

	assert_int_equal(prop_u32(cpus, "#address-cells"), 1);
	assert_int_equal(prop_u32(cpus, "#size-cells"), 0);
	assert_int_equal(count_subnodes(cpus), (int)p->nr_vcpus);
	fdt_for_each_subnode(cpu, fdt_buf, cpus) {
		char name[32];

		snprintf(name, sizeof(name), "cpu@%x", i);
		assert_string_equal(fdt_get_name(fdt_buf, cpu, NULL), name);
		ASSERT_STRINGS(cpu, "device_type", "cpu");
		ASSERT_STRINGS(cpu, "compatible", "arm,armv8");
		ASSERT_STRINGS(cpu, "enable-method", "psci");
		assert_int_equal(prop_u32(cpu, "reg"), (u32)i);
		i++;
	}
}

static void check_no_initrd(void)
{
	int chosen = node("/chosen");

	assert_null(fdt_getprop(fdt_buf, chosen, "linux,initrd-start", NULL));
	assert_null(fdt_getprop(fdt_buf, chosen, "linux,initrd-end", NULL));
}

static void test_one_vcpu(void **state)
{
	struct guest_fdt_params p = virt_params(1);

	(void)state;
	build_ok(&p);
	check_common(&p);
	check_cpus(&p);
	check_no_initrd();
	/* Exactly the nodes documented, nothing else. */
	assert_int_equal(count_subnodes(node("/")), 9);
}

static void test_two_vcpus_initrd(void **state)
{
	struct guest_fdt_params p = virt_params(2);

	(void)state;
	p.initrd_start = 0x48000000;
	p.initrd_size = 0x123456;
	build_ok(&p);
	check_common(&p);
	check_cpus(&p);
	int chosen = node("/chosen");
	assert_int_equal(prop_u64(chosen, "linux,initrd-start"), 0x48000000);
	assert_int_equal(prop_u64(chosen, "linux,initrd-end"), 0x48123456);
}

static void test_eight_vcpus(void **state)
{
	struct guest_fdt_params p = virt_params(8);

	(void)state;
	p.initrd_start = 0x50000000;
	p.initrd_size = 0x1000;
	build_ok(&p);
	check_common(&p);
	check_cpus(&p);
	/* 8 redistributors: 0x100000 bytes. */
	int len;
	const fdt32_t *reg = prop(node("/intc@8000000"), "reg", &len);
	assert_int_equal(fdt32_to_cpu(reg[7]), 0x100000);
}

static void test_mpidr_affinity(void **state)
{
	struct guest_fdt_params p = virt_params(2);
	u64 m[2] = { 0x80000000ULL | 0x00010203ULL, 0x40000000ULL | 0x00010100ULL };

	(void)state;
	/* Aff2.Aff1.Aff0 go into a one-cell reg; MT/U/RES1 bits do not. */
	p.mpidr = m;
	build_ok(&p);
	int cpu = node("/cpus/cpu@10203");
	assert_int_equal(prop_u32(cpu, "reg"), 0x10203);
	cpu = node("/cpus/cpu@10100");
	assert_int_equal(prop_u32(cpu, "reg"), 0x10100);
	assert_int_equal(prop_u32(node("/cpus"), "#address-cells"), 1);

	/* Any Aff3: two cells for every cpu. */
	u64 m3[2] = { 0x0, 0x0100000001ULL };
	p.mpidr = m3;
	build_ok(&p);
	assert_int_equal(prop_u32(node("/cpus"), "#address-cells"), 2);
	assert_int_equal(prop_u64(node("/cpus/cpu@0"), "reg"), 0);
	assert_int_equal(prop_u64(node("/cpus/cpu@100000001"), "reg"), 0x100000001ULL);
}

static void test_passthrough(void **state)
{
	struct guest_fdt_params p = virt_params(2);
	const struct guest_fdt_dev devs[] = {
		{ .name = "rtc", .compatible = "arm,pl031", .base = 0x09010000, .size = 0x1000,
		  .intid = 34 },
		{ .base = 0x0a000000, .size = 0x200 },	/* no name, compatible or interrupt */
	};

	(void)state;
	p.devs = devs;
	p.nr_devs = ARRAY_SIZE(devs);
	p.bootargs = NULL;
	build_ok(&p);
	check_cpus(&p);
	int off = node("/rtc@9010000");
	ASSERT_STRINGS(off, "compatible", "arm,pl031");
	const u32 reg[] = { 0, 0x09010000, 0, 0x1000 };
	assert_cells(off, "reg", reg, 4);
	const u32 irq[] = { 0, 2, 4 };
	assert_cells(off, "interrupts", irq, 3);
	off = node("/passthrough@a000000");
	assert_null(fdt_getprop(fdt_buf, off, "compatible", NULL));
	assert_null(fdt_getprop(fdt_buf, off, "interrupts", NULL));
	const u32 reg2[] = { 0, 0x0a000000, 0, 0x200 };
	assert_cells(off, "reg", reg2, 4);
	/* No bootargs: the property is absent, stdout-path still there. */
	assert_null(fdt_getprop(fdt_buf, node("/chosen"), "bootargs", NULL));
	ASSERT_STRINGS(node("/chosen"), "stdout-path", "/pl011@9000000");
}

static void test_other_layout(void **state)
{
	struct guest_fdt_params p = virt_params(1);

	(void)state;
	p.uart_base = 0x1c090000;
	p.uart_intid = 37;
	p.uart_clock_hz = 1843200;
	p.gicr_stride = 0x40000;
	p.mem_base = 0x880000000ULL;
	build_ok(&p);
	ASSERT_STRINGS(node("/chosen"), "stdout-path", "/pl011@1c090000");
	ASSERT_STRINGS(node("/aliases"), "serial0", "/pl011@1c090000");
	const u32 irq[] = { 0, 5, 4 };
	assert_cells(node("/pl011@1c090000"), "interrupts", irq, 3);
	assert_int_equal(prop_u32(node("/apb-pclk"), "clock-frequency"), 1843200);
	const u32 mem[] = { 0x8, 0x80000000, 0, 0x20000000 };
	assert_cells(node("/memory@880000000"), "reg", mem, 4);
	int len;
	const fdt32_t *reg = prop(node("/intc@8000000"), "reg", &len);
	assert_int_equal(fdt32_to_cpu(reg[7]), 0x40000);
}

static void test_too_small(void **state)
{
	struct guest_fdt_params p = virt_params(8);

	(void)state;
	p.initrd_start = 0x48000000;
	p.initrd_size = 0x1000;
	build_ok(&p);
	size_t need = fdt_totalsize(fdt_buf);

	/* Every smaller size fails cleanly; an exact-size heap buffer lets ASan see overruns. */
	for (size_t size = 0; size < need; size++) {
		void *b = malloc(size ? size : 1);

		assert_int_equal(guest_fdt_build(b, size, &p), -ENOSPC);
		free(b);
	}
	void *b = malloc(need);
	assert_int_equal(guest_fdt_build(b, need, &p), 0);
	assert_int_equal(fdt_totalsize(b), need);
	assert_memory_equal(b, fdt_buf, need);
	free(b);
}

/* The pmu node: there with a PMU interrupt (PPI 7 = INTID 23, level high), absent without. */
static void test_pmu(void **state)
{
	struct guest_fdt_params p = virt_params(2);
	const u32 irq[] = { 1, 7, 4 };

	(void)state;
	build_ok(&p);
	assert_true(fdt_path_offset(fdt_buf, "/pmu") < 0);
	p.pmu_intid = 23;
	build_ok(&p);
	int off = node("/pmu");

	ASSERT_STRINGS(off, "compatible", "arm,armv8-pmuv3");
	assert_cells(off, "interrupts", irq, 3);
	p.pmu_intid = 40;	/* an SPI: each CPU has its own PMU */
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
}

static void test_bad_params(void **state)
{
	struct guest_fdt_params p;
	u64 dup[2] = { 0x80000001ULL, 0x1 };
	struct guest_fdt_dev dev = { .name = "x", .base = 0x1000, .size = 0x1000, .intid = 20 };

	(void)state;
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), NULL), -EINVAL);
	p = virt_params(1);
	assert_int_equal(guest_fdt_build(fdt_buf + 4, sizeof(fdt_buf) - 4, &p), -EINVAL);
	assert_int_equal(guest_fdt_build(NULL, 100, &p), -EINVAL);
	p = virt_params(0);
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.mpidr = NULL;
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(2);
	p.mpidr = dup;	/* same affinity twice */
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.mem_size = 0;
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.uart_intid = 27;	/* a PPI */
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.timer_virt_intid = 33;	/* an SPI */
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.gic_maint_intid = 15;	/* an SGI */
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.initrd_start = ~0ULL - 10;
	p.initrd_size = 100;	/* wraps */
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	p = virt_params(1);
	p.devs = &dev;
	p.nr_devs = 1;
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);	/* PPI */
	dev.intid = 0;
	dev.name = "a/b";
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	dev.name = "";
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	dev.name = "dev";
	dev.size = 0;
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), -EINVAL);
	dev.size = 0x1000;
	assert_int_equal(guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p), 0);
}

/* The host's dtc decompiles the blob without a single warning. */
static void test_dtc_clean(void **state)
{
	static const u32 counts[] = { 1, 2, 8 };
	const struct guest_fdt_dev devs[] = {
		{ .name = "rtc", .compatible = "arm,pl031", .base = 0x09010000, .size = 0x1000,
		  .intid = 34 },
	};
	char dtb[] = "/tmp/moat-guest-fdt-XXXXXX";
	char cmd[256], out[4096];

	(void)state;
	if (system("dtc --version >/dev/null 2>&1") != 0)
		skip();
	int fd = mkstemp(dtb);
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		struct guest_fdt_params p = virt_params(counts[i]);

		p.initrd_start = 0x48000000;
		p.initrd_size = i ? 0x100000 : 0;
		p.devs = devs;
		p.nr_devs = i == 2;
		p.pmu_intid = i == 1 ? 23 : 0;
		build_ok(&p);
		FILE *f = fopen(dtb, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(fdt_buf, 1, fdt_totalsize(fdt_buf), f), fdt_totalsize(fdt_buf));
		fclose(f);
		snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>&1; echo rc=$?", dtb);
		FILE *pp = popen(cmd, "r");
		assert_non_null(pp);
		size_t n = fread(out, 1, sizeof(out) - 1, pp);
		out[n] = 0;
		pclose(pp);
		if (strcmp(out, "rc=0\n") != 0)
			fail_msg("dtc (%u vCPUs) said:\n%s", counts[i], out);
	}
	unlink(dtb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_vcpu),
		cmocka_unit_test(test_two_vcpus_initrd),
		cmocka_unit_test(test_eight_vcpus),
		cmocka_unit_test(test_mpidr_affinity),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_other_layout),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_pmu),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_dtc_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
