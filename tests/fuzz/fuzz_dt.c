/* SPDX-License-Identifier: MIT */
/*
 * platform_parse() on arbitrary bytes: it must not crash, must not read
 * outside the buffer (the input is copied into a heap buffer of exactly its
 * size, so ASan sees any overread), and whatever it accepts must be sane.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "core/passthrough.h"
#include "lib/err.h"
#include "lib/platform.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static bool wraps(const struct plat_range *r)
{
	return r->size && r->base + r->size - 1 < r->base;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform p;
	const char *err = NULL;
	void *buf = malloc(size ? size : 1);
	int ret;

	/* libfdt wants the blob 8-byte aligned, as a bootloader places it; malloc is. */
	memcpy(buf, data, size);
	ret = platform_parse(buf, size, &p, &err);
	if (ret) {
		CHECK(ret < 0);
		CHECK(err && err[0] && strlen(err) < 200 && !strchr(err, '\n'));
		CHECK(strncmp(err, "device tree: ", 13) == 0);
	} else {
		CHECK(err == NULL);
		CHECK(p.nr_mem >= 1 && p.nr_mem <= PLAT_MAX_MEM);
		for (unsigned i = 0; i < p.nr_mem; i++)
			CHECK(p.mem[i].size && !wraps(&p.mem[i]));
		CHECK(p.nr_cpus >= 1 && p.nr_cpus <= PLAT_MAX_CPUS);
		for (unsigned i = 0; i < p.nr_cpus; i++)
			CHECK((p.cpu_mpidr[i] & ~0xff00ffffffULL) == 0);
		CHECK(p.nr_gicr <= PLAT_MAX_REDIST);
		CHECK(p.nr_reserved >= 1 && p.nr_reserved <= PLAT_MAX_RESERVED);
		for (unsigned i = 0; i < p.nr_reserved; i++)
			CHECK(p.reserved[i].size && !wraps(&p.reserved[i]));
		CHECK(!wraps(&p.gicd) && !wraps(&p.uart) && !wraps(&p.initrd));
		CHECK(!p.have_uart || p.uart.size);
		CHECK(p.psci == PSCI_CONDUIT_NONE || p.psci == PSCI_CONDUIT_SMC ||
		      p.psci == PSCI_CONDUIT_HVC);
		if (p.bootargs) {
			CHECK((const char *)p.bootargs >= (const char *)buf &&
			      (const char *)p.bootargs < (const char *)buf + size);
			CHECK(memchr(p.bootargs, 0, (size_t)((const char *)buf + size - p.bootargs)));
		}
		CHECK(p.fdt == buf);
		/* The passthrough rule walks every node of what was accepted: ranges from the input. */
		{
			struct vm_config vm;
			char perr[CONFIG_ERR_MAX];
			uint64_t base = 0x09010000;

			memset(&vm, 0, sizeof(vm));
			memcpy(vm.name, "f", 2);
			if (size >= 64)
				memcpy(&base, data + size - 8, sizeof(base));
			vm.nr_pt = 1;
			vm.pt[0].base = base & ~0xfffULL & 0xffffffffffffULL;
			vm.pt[0].size = 0x1000;
			vm.pt[0].intid = 34;
			perr[0] = 0;
			ret = passthrough_check(&p, 288, &vm, 0, perr);
			CHECK(ret == 0 || (ret == -EINVAL && perr[0] && !strchr(perr, '\n') &&
					   strlen(perr) < CONFIG_ERR_MAX));
		}
	}
	free(buf);
	return 0;
}
