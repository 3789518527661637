/* SPDX-License-Identifier: MIT */
/*
 * config_parse() on boot bundles compiled by dtc from tests/unit/config/
 * (into CONFIG_DTB_DIR, relative to the repo root): valid bundles give
 * every field; each mistake gives its one-line error naming the VM and the
 * property. Each blob sits in a heap buffer of exactly the size passed, so
 * ASan catches any read past it. Bundles dtc cannot express (two VM nodes
 * with the same name, broken headers) are built here with libfdt.
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

#include "core/config.h"
#include "lib/err.h"

#ifndef CONFIG_DTB_DIR
#define CONFIG_DTB_DIR "build/config-dts"
#endif
#define CONFIG_SRC_DIR "tests/unit/config"

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f)
		fail_msg("cannot open %s (run from the repo root after make)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static void *load(const char *name, size_t *size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.dtb", CONFIG_DTB_DIR, name);
	return read_file(path, size);
}

/* The bytes of tests/unit/config/@name, which the bundles /incbin/. */
static void *image(const char *name, size_t *size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", CONFIG_SRC_DIR, name);
	return read_file(path, size);
}

static void assert_in_blob(const void *p, u32 len, const void *blob, size_t size)
{
	assert_true((const char *)p >= (const char *)blob);
	assert_true((const char *)p + len <= (const char *)blob + size);
}

static void assert_bytes(const void *p, u32 len, const char *file)
{
	size_t n;
	void *want = image(file, &n);

	assert_int_equal(len, n);
	assert_memory_equal(p, want, n);
	free(want);
}

/* ---- Valid bundles ---- */

static void test_one_vm(void **state)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	char err[CONFIG_ERR_MAX] = "unset";
	unsigned int nr = 99;
	size_t size;
	void *blob = load("one-vm", &size);
	int ret;

	(void)state;
	memset(vm, 0xa5, sizeof(vm));
	ret = config_parse(blob, size, 4, vm, CONFIG_MAX_VMS, &nr, err);
	if (ret)
		fail_msg("config_parse: %d: %s", ret, err);
	assert_int_equal(nr, 1);
	assert_string_equal(vm[0].name, "web");
	assert_int_equal(vm[0].nr_vcpus, 2);
	assert_int_equal(vm[0].cpus[0], 2);
	assert_int_equal(vm[0].cpus[1], 3);
	assert_int_equal(vm[0].mem_base, 0x180000000ULL);
	assert_int_equal(vm[0].mem_size, 0x4000000ULL);
	assert_in_blob(vm[0].kernel, vm[0].kernel_size, blob, size);
	assert_bytes(vm[0].kernel, vm[0].kernel_size, "kernel.bin");
	assert_non_null(vm[0].initrd);
	assert_in_blob(vm[0].initrd, vm[0].initrd_size, blob, size);
	assert_bytes(vm[0].initrd, vm[0].initrd_size, "initrd.bin");
	assert_non_null(vm[0].bootargs);
	assert_string_equal(vm[0].bootargs, "console=ttyAMA0 quiet");
	assert_int_equal(vm[0].kernel_offset, 0x200000);
	assert_true(vm[0].test_device);
	assert_true(vm[0].console);
	assert_int_equal(vm[0].nr_pt, 2);
	assert_int_equal(vm[0].pt[0].base, 0x10010000);
	assert_int_equal(vm[0].pt[0].size, 0x1000);
	assert_int_equal(vm[0].pt[0].intid, 40);
	assert_int_equal(vm[0].pt[1].base, 0x1a000000);
	assert_int_equal(vm[0].pt[1].size, 0x2000);
	assert_int_equal(vm[0].pt[1].intid, 0);
	free(blob);
}

static void test_two_vms(void **state)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	char err[CONFIG_ERR_MAX] = "unset";
	unsigned int nr = 99;
	size_t size;
	void *blob = load("two-vm", &size);
	int ret;

	(void)state;
	memset(vm, 0xa5, sizeof(vm));
	ret = config_parse(blob, size, 4, vm, CONFIG_MAX_VMS, &nr, err);
	if (ret)
		fail_msg("config_parse: %d: %s", ret, err);
	assert_int_equal(nr, 2);

	/* alpha: only the required properties; everything else at its default. */
	assert_string_equal(vm[0].name, "alpha");
	assert_int_equal(vm[0].nr_vcpus, 1);
	assert_int_equal(vm[0].cpus[0], 0);	/* vCPU n on CPU n without "cpus" */
	assert_int_equal(vm[0].mem_base, 0x40000000ULL);
	assert_int_equal(vm[0].mem_size, 0x1000000ULL);
	assert_bytes(vm[0].kernel, vm[0].kernel_size, "kernel.bin");
	assert_null(vm[0].initrd);
	assert_int_equal(vm[0].initrd_size, 0);
	assert_null(vm[0].bootargs);
	assert_int_equal(vm[0].kernel_offset, 0x80000);
	assert_false(vm[0].test_device);
	assert_false(vm[0].console);
	assert_int_equal(vm[0].nr_pt, 0);

	/* beta: its own images (swapped on purpose), pinned CPUs, one passthrough. */
	assert_string_equal(vm[1].name, "beta");
	assert_int_equal(vm[1].nr_vcpus, 2);
	assert_int_equal(vm[1].cpus[0], 3);
	assert_int_equal(vm[1].cpus[1], 1);
	assert_int_equal(vm[1].mem_base, 0x40000000ULL);	/* IPA spaces are per VM */
	assert_int_equal(vm[1].mem_size, 0x20000000ULL);
	assert_bytes(vm[1].kernel, vm[1].kernel_size, "initrd.bin");
	assert_bytes(vm[1].initrd, vm[1].initrd_size, "kernel.bin");
	assert_string_equal(vm[1].bootargs, "root=/dev/vda");
	assert_int_equal(vm[1].kernel_offset, 0x80000);
	assert_false(vm[1].test_device);
	assert_false(vm[1].console);
	assert_int_equal(vm[1].nr_pt, 1);
	assert_int_equal(vm[1].pt[0].base, 0x10000000);
	assert_int_equal(vm[1].pt[0].size, 0x1000);
	assert_int_equal(vm[1].pt[0].intid, 1019);	/* the last SPI */
	free(blob);
}

/* The same valid bundle with fewer CPUs online or room for fewer VMs. */
static void test_limits(void **state)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	char err[CONFIG_ERR_MAX];
	unsigned int nr = 99;
	size_t size;
	void *blob = load("one-vm", &size);
	int ret;

	(void)state;
	/* Exactly enough CPUs: 4 online, "cpus = <2 3>". */
	assert_int_equal(config_parse(blob, size, 4, vm, CONFIG_MAX_VMS, &nr, err), 0);

	/* More vCPUs than online CPUs (2 vCPUs, 1 CPU). */
	err[0] = 0;
	ret = config_parse(blob, size, 1, vm, CONFIG_MAX_VMS, &nr, err);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(nr, 0);
	assert_non_null(strstr(err, "'web'"));
	assert_non_null(strstr(err, "'vcpus'"));
	assert_non_null(strstr(err, "only 1 CPUs are online"));

	/* cpus names CPU 3 while only 0..2 are online. */
	err[0] = 0;
	ret = config_parse(blob, size, 3, vm, CONFIG_MAX_VMS, &nr, err);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(err, "'web'"));
	assert_non_null(strstr(err, "'cpus'"));
	assert_non_null(strstr(err, "CPU 3"));
	free(blob);

	/* Two VMs where the caller has room for one. */
	blob = load("two-vm", &size);
	err[0] = 0;
	ret = config_parse(blob, size, 4, vm, 1, &nr, err);
	assert_int_equal(ret, -E2BIG);
	assert_int_equal(nr, 0);
	assert_non_null(strstr(err, "more than 1 VMs"));
	free(blob);
}

/* ---- Mistakes, one bundle each ---- */

struct bad_case {
	const char *file;
	unsigned int nr_cpus;
	const char *vm;		/* must appear quoted in the error */
	const char *prop;	/* must appear quoted in the error, or NULL */
	const char *detail;	/* another substring, or NULL */
};

static const struct bad_case bad_cases[] = {
	{ "err-unknown-prop", 4, "db", "colour", NULL },
	{ "err-trap-tlbi", 4, "db", "trap-tlbi", "\"precise\" or \"safe\"" },
	{ "err-on-reset", 4, "db", "on-reset", "\"restart\" or \"stop\"" },
	{ "err-no-kernel", 4, "db", "kernel", "missing" },
	{ "err-empty-kernel", 4, "db", "kernel", "empty" },
	{ "err-no-memory", 4, "db", "memory", "missing" },
	{ "err-mem-align", 4, "db", "memory", "2 MiB aligned" },
	{ "err-mem-size-zero", 4, "db", "memory", "non-zero" },
	{ "err-vcpus-zero", 4, "db", "vcpus", "is 0" },
	{ "err-vcpus-nine", 16, "db", "vcpus", "is 9" },
	{ "err-no-vcpus", 4, "db", "vcpus", "missing" },
	{ "err-cpu-twice", 4, "db", "cpus", "CPU 1 twice" },
	{ "err-cpus-count", 4, "db", "cpus", "one CPU per vCPU" },
	{ "err-cpu-shared", 4, "cache", "cpus", "CPU 0 already runs another VM" },
	{ "err-cpu-shared-default", 4, "cache", "cpus", "CPU 0 already runs another VM" },
	{ "err-unit-address", 4, "vm@1", NULL, "unit address" },
	{ "err-pt-overlap", 4, "db", "passthrough", "entry 1 overlaps its memory" },
	{ "err-mem-devices", 4, "db", "memory", "overlaps the emulated devices" },
	{ "err-pt-uart", 4, "db", "passthrough", "overlaps an emulated device" },
	{ "err-pt-ppi", 4, "db", "passthrough", "interrupt 27 is not an SPI" },
	{ "err-pt-1020", 4, "db", "passthrough", "interrupt 1020 is not an SPI" },
	{ "err-pt-short", 4, "db", "passthrough", NULL },
	{ "err-kernel-offset", 4, "db", "kernel-offset", "outside" },
	{ "err-vcpus-string", 4, "db", "vcpus", "not one 32-bit cell; write it as vcpus = <2>;" },
	{ "err-pt-own-uart-irq", 4, "db", "passthrough",
	  "interrupt 33 is the interrupt of the VM's own emulated UART" },
	{ "err-bootargs-long", 4, "db", "bootargs", "is 3000 bytes; the limit is 2047" },
	{ "err-console-raw-two", 4, "cache", "console-raw", "only VM (there are 2)" },
	{ "err-host-two", 4, "two", "host", "'one' is the host already" },
	{ "err-host-memory", 4, "hostos", "memory", "is not for the host" },
	{ "err-host-no-cpu", 2, "hostos", NULL, "the host has no CPU" },
	{ "err-host-pool", 4, "hostos", "moat-pool", "multiple of 2 MiB" },
	{ "err-pool-not-host", 4, "dom", "moat-pool", "belongs in the host's node" },
};

static void test_bad_vm(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vm_config vm[CONFIG_MAX_VMS];
		char err[CONFIG_ERR_MAX], want[64];
		unsigned int nr = 99;
		size_t size;
		void *blob = load(c->file, &size);
		int ret;

		memset(err, 0, sizeof(err));
		ret = config_parse(blob, size, c->nr_cpus, vm, CONFIG_MAX_VMS, &nr, err);
		print_message("# %s: %d: %s\n", c->file, ret, err);
		if (ret != -EINVAL)
			fail_msg("%s: returned %d, expected -EINVAL (%s)", c->file, ret, err);
		assert_int_equal(nr, 0);
		/* One line, starting with the subsystem. */
		assert_non_null(strstr(err, "config: "));
		assert_null(strchr(err, '\n'));
		assert_true(strlen(err) < CONFIG_ERR_MAX - 1);
		snprintf(want, sizeof(want), "'%s'", c->vm);
		if (!strstr(err, want))
			fail_msg("%s: error does not name VM %s: %s", c->file, want, err);
		if (c->prop) {
			snprintf(want, sizeof(want), "'%s'", c->prop);
			if (!strstr(err, want))
				fail_msg("%s: error does not name property %s: %s", c->file, want, err);
		}
		if (c->detail && !strstr(err, c->detail))
			fail_msg("%s: error lacks \"%s\": %s", c->file, c->detail, err);
		free(blob);
	}
}

/* Bundle-level mistakes: no VM to name, the message says what is wrong. */
static void expect_bundle_error(const void *blob, size_t size, const char *detail)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	char err[CONFIG_ERR_MAX];
	unsigned int nr = 99;
	int ret;

	memset(err, 0, sizeof(err));
	ret = config_parse(blob, size, 4, vm, CONFIG_MAX_VMS, &nr, err);
	if (ret != -EINVAL)
		fail_msg("returned %d, expected -EINVAL (%s)", ret, err);
	assert_int_equal(nr, 0);
	assert_null(strchr(err, '\n'));
	if (!strstr(err, detail))
		fail_msg("error lacks \"%s\": %s", detail, err);
}

static void test_bad_bundle(void **state)
{
	size_t size;
	void *blob;

	(void)state;
	blob = load("err-compatible", &size);
	expect_bundle_error(blob, size, "moat,bundle-v1");
	free(blob);

	blob = load("err-no-vms", &size);
	expect_bundle_error(blob, size, "no /vms node");
	free(blob);

	blob = load("err-empty-vms", &size);
	expect_bundle_error(blob, size, "/vms node has no VM");
	free(blob);
}

static void test_not_a_dtb(void **state)
{
	size_t size;
	unsigned char *buf;

	(void)state;
	/* An arm64 Image (or any file) given where the bundle belongs. */
	buf = image("kernel.bin", &size);
	expect_bundle_error(buf, size, "not a valid device tree");
	free(buf);

	/* Fewer bytes than a header: nothing may be read past them. */
	buf = malloc(8);
	assert_non_null(buf);
	memcpy(buf, "\xd0\x0d\xfe\xed\x00\x00\x00\x48", 8);
	expect_bundle_error(buf, 8, "not a valid device tree");
	free(buf);
}

static void test_truncated(void **state)
{
	size_t size;
	void *blob = load("one-vm", &size), *cut;

	(void)state;
	/* Any size below totalsize is refused, including one short by a byte. */
	assert_int_equal(fdt_totalsize(blob), size);
	for (size_t n = size - 1; n > size / 2; n -= 7) {
		cut = malloc(n);
		assert_non_null(cut);
		memcpy(cut, blob, n);
		expect_bundle_error(cut, n, "not a valid device tree");
		free(cut);
	}
	/* The whole blob in a bigger buffer is fine. */
	cut = calloc(1, size + 64);
	assert_non_null(cut);
	memcpy(cut, blob, size);
	{
		struct vm_config vm[CONFIG_MAX_VMS];
		char err[CONFIG_ERR_MAX];
		unsigned int nr = 0;

		assert_int_equal(config_parse(cut, size + 64, 4, vm, CONFIG_MAX_VMS, &nr, err), 0);
		assert_int_equal(nr, 1);
	}
	free(cut);
	free(blob);
}

/*
 * Bundles built with libfdt's sequential writer: dtc cannot produce two
 * sibling nodes with one name (it merges them), and it refuses a "name"
 * property that differs from the node's name while silently dropping one
 * that equals it, so neither mistake can be written as a .dts.
 * @names: the VM nodes; @name_prop: a "name" property for the first, or NULL.
 */
static void *build_bundle(const char *const *names, unsigned int n, const char *name_prop,
			  size_t *size)
{
	static const char kernel[] = "kernel";
	const size_t cap = 4096;
	void *fdt = malloc(cap);
	const fdt32_t mem[4] = { cpu_to_fdt32(0), cpu_to_fdt32(0x40000000), cpu_to_fdt32(0),
				 cpu_to_fdt32(0x1000000) };

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, (int)cap), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "moat,bundle-v1"), 0);
	assert_int_equal(fdt_begin_node(fdt, "vms"), 0);
	for (u32 i = 0; i < n; i++) {
		assert_int_equal(fdt_begin_node(fdt, names[i]), 0);
		if (name_prop && i == 0)
			assert_int_equal(fdt_property_string(fdt, "name", name_prop), 0);
		assert_int_equal(fdt_property_u32(fdt, "vcpus", 1), 0);
		assert_int_equal(fdt_property_u32(fdt, "cpus", i), 0);
		assert_int_equal(fdt_property(fdt, "memory", mem, sizeof(mem)), 0);
		assert_int_equal(fdt_property(fdt, "kernel", kernel, sizeof(kernel)), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	*size = fdt_totalsize(fdt);
	return fdt;
}

static int parse_built(const char *const *names, unsigned int n, const char *name_prop,
		       unsigned int *nr, char *err)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	size_t size;
	void *blob = build_bundle(names, n, name_prop, &size);
	int ret;

	memset(err, 0, CONFIG_ERR_MAX);
	*nr = 99;
	ret = config_parse(blob, size, 4, vm, CONFIG_MAX_VMS, nr, err);
	free(blob);
	return ret;
}

static void test_duplicate_names(void **state)
{
	static const char *const twins[] = { "twin", "twin" };
	static const char *const pair[] = { "twin", "other" };
	char err[CONFIG_ERR_MAX];
	unsigned int nr;
	int ret;

	(void)state;
	/* The builder itself is sound: two different names parse. */
	ret = parse_built(pair, 2, NULL, &nr, err);
	if (ret)
		fail_msg("config_parse: %d: %s", ret, err);
	assert_int_equal(nr, 2);

	ret = parse_built(twins, 2, NULL, &nr, err);
	print_message("# %d: %s\n", ret, err);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(nr, 0);
	assert_non_null(strstr(err, "'twin'"));
	assert_non_null(strstr(err, "name"));
	assert_null(strchr(err, '\n'));
}

/* The VM's name is its node name: a "name" property is an unknown property, whatever its value. */
static void test_name_property(void **state)
{
	static const char *const db[] = { "db" };
	char err[CONFIG_ERR_MAX];
	unsigned int nr;
	int ret;

	(void)state;
	ret = parse_built(db, 1, NULL, &nr, err);
	if (ret)
		fail_msg("config_parse: %d: %s", ret, err);

	ret = parse_built(db, 1, "database", &nr, err);
	print_message("# %d: %s\n", ret, err);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(nr, 0);
	assert_non_null(strstr(err, "'db'"));
	assert_non_null(strstr(err, "unknown property 'name'"));

	ret = parse_built(db, 1, "db", &nr, err);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(err, "unknown property 'name'"));
}

/* Parse fixture @name with @online CPUs into @vm; the bundle must be accepted. */
static void parse_ok(const char *name, unsigned int online, struct vm_config *vm, unsigned int *nr)
{
	char err[CONFIG_ERR_MAX] = "unset";
	size_t size;
	void *blob = load(name, &size);
	int ret = config_parse(blob, size, online, vm, CONFIG_MAX_VMS, nr, err);

	free(blob);
	if (ret)
		fail_msg("config_parse %s: %d: %s", name, ret, err);
}

static void test_trap_tlbi(void **state)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	unsigned int nr = 99;

	(void)state;
	parse_ok("trap-tlbi", 4, vm, &nr);
	assert_int_equal(nr, 3);
	assert_int_equal(vm[0].trap_tlbi, VM_TRAP_TLBI_PRECISE);
	assert_int_equal(vm[1].trap_tlbi, VM_TRAP_TLBI_SAFE);
	assert_int_equal(vm[2].trap_tlbi, VM_TRAP_TLBI_OFF);
}

static void test_on_reset(void **state)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	unsigned int nr = 99;

	(void)state;
	parse_ok("on-reset", 4, vm, &nr);
	assert_int_equal(nr, 3);
	assert_true(vm[0].reset_stops);
	assert_false(vm[1].reset_stops);
	assert_false(vm[2].reset_stops);
}

/* The host: CPUs nobody else names, one vCPU each; its pool size. */
static void test_host(void **state)
{
	struct vm_config vm[CONFIG_MAX_VMS];
	char err[CONFIG_ERR_MAX] = "unset";
	unsigned int nr = 99;
	size_t size;
	void *blob = load("host", &size);
	int ret;

	(void)state;
	ret = config_parse(blob, size, 4, vm, CONFIG_MAX_VMS, &nr, err);
	if (ret)
		fail_msg("config_parse: %d: %s", ret, err);
	assert_int_equal(nr, 2);
	assert_false(vm[0].host);
	assert_true(vm[1].host);
	assert_int_equal(vm[1].nr_vcpus, 3);
	assert_int_equal(vm[1].cpus[0], 0);
	assert_int_equal(vm[1].cpus[1], 2);
	assert_int_equal(vm[1].cpus[2], 3);
	assert_int_equal(vm[1].moat_pool, 0x4000000);
	assert_string_equal(vm[1].bootargs, "console=ttyAMA0");
	/* One CPU online besides the static VM's: the host gets just that one. */
	ret = config_parse(blob, size, 2, vm, CONFIG_MAX_VMS, &nr, err);
	if (ret)
		fail_msg("config_parse: %d: %s", ret, err);
	assert_int_equal(vm[1].nr_vcpus, 1);
	assert_int_equal(vm[1].cpus[0], 0);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_vm),
		cmocka_unit_test(test_two_vms),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_vm),
		cmocka_unit_test(test_bad_bundle),
		cmocka_unit_test(test_not_a_dtb),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_name_property),
		cmocka_unit_test(test_trap_tlbi),
		cmocka_unit_test(test_on_reset),
		cmocka_unit_test(test_host),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
