// SPDX-License-Identifier: MIT
/*
 * config_parse() (the boot bundle) on arbitrary bytes: no crash, no read
 * outside the buffer (ASan: the input is copied to a heap buffer of exactly
 * its size), and whatever it accepts is consistent: names, vCPU counts,
 * pinned CPUs, memory and passthrough ranges within their limits, images
 * inside the blob; a host VM has the CPUs no other VM names, no RAM
 * range yet (it gets it at boot), no passthrough and a valid moat pool.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/guest_layout.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(const void *p, size_t n, const uint8_t *buf, size_t size)
{
	return (const uint8_t *)p >= buf && n <= size && (const uint8_t *)p - buf <= (ptrdiff_t)(size - n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm_config vms[CONFIG_MAX_VMS];
	char err[CONFIG_ERR_MAX];
	unsigned int nr = 99, cpus = 1 + (size ? data[0] % 8 : 0);
	uint8_t *buf = malloc(size ? size : 1);
	int ret;

	memcpy(buf, data, size);
	err[0] = 0;
	ret = config_parse(buf, size, cpus, vms, CONFIG_MAX_VMS, &nr, err);
	if (ret) {
		CHECK(ret < 0 && err[0] && strnlen(err, CONFIG_ERR_MAX) < CONFIG_ERR_MAX);
		CHECK(strncmp(err, "config: ", 8) == 0);
	} else {
		CHECK(nr >= 1 && nr <= CONFIG_MAX_VMS);
		for (unsigned int i = 0; i < nr; i++) {
			const struct vm_config *c = &vms[i];

			CHECK(c->name[0] && strlen(c->name) <= CONFIG_NAME_MAX);
			CHECK(c->kernel && inside(c->kernel, c->kernel_size, buf, size));
			CHECK(!c->initrd || inside(c->initrd, c->initrd_size, buf, size));
			CHECK(c->nr_vcpus >= 1 && c->nr_vcpus <= cpus && c->nr_vcpus <= CONFIG_MAX_VCPUS);
			for (u32 j = 0; j < c->nr_vcpus; j++)
				CHECK(c->cpus[j] < cpus);
			if (c->host) {
				/* The host's RAM is what nobody else has, found at boot. */
				CHECK(!c->mem_size && !c->nr_pt);
				CHECK(c->moat_pool >= CONFIG_MOAT_POOL_MIN && !(c->moat_pool & (SZ_2M - 1)));
				continue;
			}
			CHECK(c->mem_size && c->mem_base + c->mem_size > c->mem_base);
			CHECK(c->mem_base >= GUEST_DEVICES_END || c->mem_base + c->mem_size <= GUEST_DEVICES_BASE);
			CHECK(c->nr_pt <= CONFIG_MAX_PASSTHROUGH);
			for (u32 j = 0; j < c->nr_pt; j++)
				CHECK(c->pt[j].size && c->pt[j].base + c->pt[j].size > c->pt[j].base);
		}
	}
	free(buf);
	return 0;
}
