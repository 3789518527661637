/* SPDX-License-Identifier: MIT */
/* moat-vmm's options: what it accepts, and one clear line for what it does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "../../host/vmm/options.h"

static struct vmm_options opt;
static char err[512];

#define PARSE(...) ({ char *const _a[] = { "moat-vmm", __VA_ARGS__ }; \
	err[0] = 0; vmm_parse_options(sizeof(_a) / sizeof(_a[0]), _a, &opt, err, sizeof(err)); })

static void test_full_command_line(void **state)
{
	assert_int_equal(PARSE("--kernel", "/guest/Image", "--initrd", "/guest/initrd.cpio.gz",
			       "--append", "console=ttyAMA0 rdinit=/init", "--mem", "128M", "--cpus", "2",
			       "--disk", "/tmp/d.img"), 0);
	assert_string_equal(opt.kernel, "/guest/Image");
	assert_string_equal(opt.initrd, "/guest/initrd.cpio.gz");
	assert_string_equal(opt.append, "console=ttyAMA0 rdinit=/init");
	assert_string_equal(opt.disk, "/tmp/d.img");
	assert_int_equal(opt.mem, 128ULL << 20);
	assert_int_equal(opt.cpus, 2);
	assert_int_equal(opt.protected_vm, 0);
}

static void test_equals_form_and_protected(void **state)
{
	assert_int_equal(PARSE("--kernel=/k", "--mem=1G", "--cpus=8", "--protected", "--selftest=/tmp/st"), 0);
	assert_string_equal(opt.kernel, "/k");
	assert_int_equal(opt.mem, 1ULL << 30);
	assert_int_equal(opt.cpus, 8);
	assert_int_equal(opt.protected_vm, 1);
	assert_string_equal(opt.selftest, "/tmp/st");
}

static void test_sizes(void **state)
{
	uint64_t v;

	assert_int_equal(vmm_parse_size("128M", &v), 0);
	assert_int_equal(v, 128ULL << 20);
	assert_int_equal(vmm_parse_size("2g", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(vmm_parse_size("4096k", &v), 0);
	assert_int_equal(v, 4ULL << 20);
	assert_int_equal(vmm_parse_size("67108864", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(vmm_parse_size("", &v), -EINVAL);
	assert_int_equal(vmm_parse_size("M", &v), -EINVAL);
	assert_int_equal(vmm_parse_size("-1G", &v), -EINVAL);
	assert_int_equal(vmm_parse_size("12X", &v), -EINVAL);
	assert_int_equal(vmm_parse_size("128MB", &v), -EINVAL);
	assert_int_equal(vmm_parse_size("99999999999999999999", &v), -EINVAL);
	/* Fits in 64 bits before the suffix, not after. */
	assert_int_equal(vmm_parse_size("17179869184G", &v), -EINVAL);
}

static void test_bad_mem(void **state)
{
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "lots", "--cpus", "1"), -EINVAL);
	assert_non_null(strstr(err, "--mem 'lots'"));
	/* Not a 2 MiB multiple, too small, too big. */
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "129M", "--cpus", "1"), -EINVAL);
	assert_non_null(strstr(err, "multiple of 2M"));
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "32M", "--cpus", "1"), -EINVAL);
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "512G", "--cpus", "1"), -EINVAL);
	assert_int_equal(PARSE("--kernel", "/k", "--cpus", "1"), -EINVAL);
	assert_non_null(strstr(err, "--mem SIZE is required"));
}

static void test_bad_cpus(void **state)
{
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M", "--cpus", "0"), -EINVAL);
	assert_non_null(strstr(err, "--cpus '0'"));
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M", "--cpus", "9"), -EINVAL);
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M", "--cpus", "2x"), -EINVAL);
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M", "--cpus", "-1"), -EINVAL);
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M"), -EINVAL);
	assert_non_null(strstr(err, "--cpus N is required"));
}

static void test_missing_and_unknown(void **state)
{
	assert_int_equal(PARSE("--mem", "128M", "--cpus", "1"), -EINVAL);
	assert_non_null(strstr(err, "--kernel FILE is required"));
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M", "--cpus", "1", "--frobnicate"), -EINVAL);
	assert_non_null(strstr(err, "unknown option '--frobnicate'"));
	/* A value-taking option at the end, or a prefix of one, is not taken for another. */
	assert_int_equal(PARSE("--mem", "128M", "--cpus", "1", "--kernel"), -EINVAL);
	assert_non_null(strstr(err, "--kernel needs a value"));
	assert_int_equal(PARSE("--kernelx", "/k", "--mem", "128M", "--cpus", "1"), -EINVAL);
	assert_non_null(strstr(err, "unknown option '--kernelx'"));
	/* One line, always. */
	assert_null(strchr(err, '\n'));
}

static void test_disk_needs_unprotected(void **state)
{
	assert_int_equal(PARSE("--kernel", "/k", "--mem", "128M", "--cpus", "1", "--protected",
			       "--disk", "/d"), -EINVAL);
	assert_non_null(strstr(err, "--disk needs a non-protected VM"));
}

static void test_help(void **state)
{
	assert_int_equal(PARSE("--help"), 1);
	assert_non_null(strstr(err, "usage: moat-vmm --kernel FILE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_command_line),
		cmocka_unit_test(test_equals_form_and_protected),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_mem),
		cmocka_unit_test(test_bad_cpus),
		cmocka_unit_test(test_missing_and_unknown),
		cmocka_unit_test(test_disk_needs_unprotected),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
