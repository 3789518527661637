// SPDX-License-Identifier: MIT
/*
 * Option parsing, kept free of anything arm64 or moat specific so the host
 * unit tests (tests/unit/test_vmm_options.c) exercise it as it ships.
 */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <moat/hypercall.h>

#define SZ_1M		(1ULL << 20)
#define SZ_2M		(2ULL << 20)
/* The guest's RAM starts at 1 GiB; the IPA space moat gives is at most 40 bits. */
#define VMM_MEM_MIN	(64ULL * SZ_1M)
#define VMM_MEM_MAX	(1ULL << 38)

static const char usage[] =
	"usage: moat-vmm --kernel FILE [--initrd FILE] [--append ARGS] --mem SIZE --cpus N "
	"[--protected] [--disk FILE] [--selftest FILE]";

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int vmm_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static int parse_cpus(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > MOAT_VM_MAX_VCPUS)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* Options that take a value: "--name VALUE" or "--name=VALUE". */
static const char *value_of(int argc, char *const argv[], int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc)
		return "";	/* present, value missing: the caller says so */
	return argv[++*i];
}

int vmm_parse_options(int argc, char *const argv[], struct vmm_options *opt, char *err, size_t errlen)
{
	const char *mem = NULL, *cpus = NULL;
	static const char *const names[] = { "--kernel", "--initrd", "--append", "--disk",
					     "--mem", "--cpus", "--selftest" };

	memset(opt, 0, sizeof(*opt));
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		size_t k;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			snprintf(err, errlen, "%s", usage);
			return 1;
		}
		if (!strcmp(argv[i], "--protected")) {
			opt->protected_vm = 1;
			continue;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			int at = i;

			v = value_of(argc, argv, &i, names[k]);
			if (v) {
				if (!*v)
					return fail(err, errlen, "moat-vmm: %s needs a value (%s)", names[k], usage);
				break;
			}
			i = at;
		}
		if (!v)
			return fail(err, errlen, "moat-vmm: unknown option '%s' (%s)", argv[i], usage);
		switch (k) {
		case 0: opt->kernel = v; break;
		case 1: opt->initrd = v; break;
		case 2: opt->append = v; break;
		case 3: opt->disk = v; break;
		case 4: mem = v; break;
		case 5: cpus = v; break;
		case 6: opt->selftest = v; break;
		}
	}
	if (!opt->kernel)
		return fail(err, errlen, "moat-vmm: --kernel FILE is required (an arm64 Image)");
	if (!mem)
		return fail(err, errlen, "moat-vmm: --mem SIZE is required (e.g. --mem 128M)");
	if (vmm_parse_size(mem, &opt->mem))
		return fail(err, errlen, "moat-vmm: --mem '%s' is not a size (e.g. 128M, 1G)", mem);
	if (opt->mem < VMM_MEM_MIN || opt->mem > VMM_MEM_MAX || opt->mem % SZ_2M)
		return fail(err, errlen, "moat-vmm: --mem %s: give a multiple of 2M from 64M to 256G", mem);
	if (!cpus)
		return fail(err, errlen, "moat-vmm: --cpus N is required (1 to %d)", MOAT_VM_MAX_VCPUS);
	if (parse_cpus(cpus, &opt->cpus))
		return fail(err, errlen, "moat-vmm: --cpus '%s': give a number from 1 to %d", cpus,
			    MOAT_VM_MAX_VCPUS);
	if (opt->disk && opt->protected_vm)
		return fail(err, errlen, "moat-vmm: --disk needs a non-protected VM: the VMM cannot read a "
			    "protected guest's buffers (drop --protected or --disk)");
	return 0;
}
