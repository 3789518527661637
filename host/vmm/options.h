/* SPDX-License-Identifier: MIT */
/* moat-vmm's command line (docs/hosted.md, "moat-vmm"). */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H
#include <stdint.h>
#include <stddef.h>

struct vmm_options {
	const char *kernel;
	const char *initrd;
	const char *append;
	const char *disk;
	const char *selftest;	/* --selftest FILE: the protected-memory checks, results in FILE */
	uint64_t mem;		/* bytes, a 2 MiB multiple */
	unsigned int cpus;
	int protected_vm;
};

/*
 * Parse argv into opt. On bad input returns -EINVAL with one line naming
 * the problem in err (errlen bytes); 1 when --help was asked (usage in err).
 */
int vmm_parse_options(int argc, char *const argv[], struct vmm_options *opt, char *err, size_t errlen);
/* "128M", "1G", "268435456": bytes, or -EINVAL. */
int vmm_parse_size(const char *s, uint64_t *out);
#endif
