// SPDX-License-Identifier: MIT
/* Reading VM configurations out of the boot bundle, with libfdt. */
#include "core/config.h"
#include "core/guest_layout.h"
#include "lib/dt_bounds.h"
#include "lib/dt_prop.h"
#include "lib/err.h"
#include "lib/printf.h"
#include <libfdt.h>
#include <string.h>

#define BUNDLE_COMPATIBLE "moat,bundle-v1"
#define DEFAULT_KERNEL_OFFSET 0x80000

static u64 be_cells(const fdt32_t *p, int n)
{
	u64 v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

static const char *const known_props[] = {
	"vcpus", "cpus", "memory", "kernel", "initrd", "bootargs", "kernel-offset",
	"test-device", "console", "passthrough", "trap-tlbi", "console-raw", "on-reset", "host",
	"moat-pool",
};

static bool known(const char *prop)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_props); i++)
		if (!strcmp(prop, known_props[i]))
			return true;
	return false;
}

/*
 * "two" is 4 bytes with its NUL, so dtc's vcpus = "two"; passes the length
 * check: a value whose last byte is NUL and the rest printable is text.
 */
static bool looks_like_string(const void *p, int len)
{
	const char *s = p;

	if (len < 2 || s[len - 1])
		return false;
	for (int i = 0; i < len - 1; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

#define FAIL(...) do { snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__); return -EINVAL; } while (0)

/* vcpus, cpus, memory: where a static VM runs and what RAM it has. */
static int parse_placement(const void *fdt, int node, const char *label, unsigned int nr_cpus,
			   struct vm_config *c, char *err)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, node, "vcpus", &len);
	if (!p || len != 4 || looks_like_string(p, len))
		FAIL("config: VM '%s': property 'vcpus' missing or not one 32-bit cell; "
		     "write it as vcpus = <2>;", label);
	c->nr_vcpus = fdt32_ld(p);
	if (c->nr_vcpus < 1 || c->nr_vcpus > CONFIG_MAX_VCPUS)
		FAIL("config: VM '%s': property 'vcpus' is %u; it must be 1..%d", label, c->nr_vcpus,
		     CONFIG_MAX_VCPUS);
	if (c->nr_vcpus > nr_cpus)
		FAIL("config: VM '%s': property 'vcpus' asks for %u vCPUs but only %u CPUs are online",
		     label, c->nr_vcpus, nr_cpus);

	p = fdt_getprop(fdt, node, "cpus", &len);
	if (p) {
		if (len != (int)(4 * c->nr_vcpus))
			FAIL("config: VM '%s': property 'cpus' must list one CPU per vCPU (%u)", label,
			     c->nr_vcpus);
		for (u32 i = 0; i < c->nr_vcpus; i++) {
			c->cpus[i] = fdt32_ld((const fdt32_t *)p + i);
			if (c->cpus[i] >= nr_cpus)
				FAIL("config: VM '%s': property 'cpus' names CPU %u; CPUs 0..%u are online",
				     label, c->cpus[i], nr_cpus - 1);
			for (u32 j = 0; j < i; j++)
				if (c->cpus[j] == c->cpus[i])
					FAIL("config: VM '%s': property 'cpus' names CPU %u twice", label,
					     c->cpus[i]);
		}
	} else {
		for (u32 i = 0; i < c->nr_vcpus; i++)
			c->cpus[i] = i;
	}

	p = fdt_getprop(fdt, node, "memory", &len);
	if (!p || len != 16)
		FAIL("config: VM '%s': property 'memory' missing or not <base-hi base-lo size-hi size-lo>",
		     label);
	c->mem_base = be_cells(p, 2);
	c->mem_size = be_cells((const fdt32_t *)p + 2, 2);
	if (!c->mem_size || (c->mem_base & (SZ_2M - 1)) || (c->mem_size & (PAGE_SIZE - 1)) ||
	    c->mem_base + c->mem_size < c->mem_base || c->mem_base + c->mem_size > (1ULL << 48))
		FAIL("config: VM '%s': property 'memory' base must be 2 MiB aligned and size a non-zero "
		     "page multiple below 2^48", label);

	if (c->mem_base < GUEST_DEVICES_END && GUEST_DEVICES_BASE < c->mem_base + c->mem_size)
		FAIL("config: VM '%s': property 'memory' overlaps the emulated devices at "
		     "[0x%llx, 0x%llx)", label, GUEST_DEVICES_BASE, GUEST_DEVICES_END);

	return 0;
}

/*
 * The host (docs/host-mode.md): its CPUs and memory are what nobody else
 * has, so it names neither; moat's own pool for later allocations is
 * 'moat-pool' (default CONFIG_MOAT_POOL_DEFAULT).
 */
static int parse_host(const void *fdt, int node, const char *label, struct vm_config *c, char *err)
{
	/* test-device is allowed: a bare-metal test host drives the host calls (tests/guests/hosted.c). */
	static const char *const not_for_host[] = { "vcpus", "cpus", "memory", "passthrough",
						    "kernel-offset" };
	const void *p;
	int len;

	for (size_t i = 0; i < ARRAY_SIZE(not_for_host); i++)
		if (fdt_getprop(fdt, node, not_for_host[i], NULL))
			FAIL("config: VM '%s': property '%s' is not for the host: it runs on every CPU "
			     "no other VM names, with all RAM nobody else has, and owns every device "
			     "moat does not; remove it", label, not_for_host[i]);
	c->moat_pool = CONFIG_MOAT_POOL_DEFAULT;
	p = fdt_getprop(fdt, node, "moat-pool", &len);
	if (p) {
		if (len != 8)
			FAIL("config: VM '%s': property 'moat-pool' must be <size-hi size-lo>", label);
		c->moat_pool = be_cells(p, 2);
		if (c->moat_pool < CONFIG_MOAT_POOL_MIN || (c->moat_pool & (SZ_2M - 1)))
			FAIL("config: VM '%s': property 'moat-pool' must be a multiple of 2 MiB and at "
			     "least %llu MiB", label, (unsigned long long)(CONFIG_MOAT_POOL_MIN >> 20));
	}
	return 0;
}

static int parse_vm(const void *fdt, int node, const char *label, unsigned int nr_cpus,
		    struct vm_config *c, char *err)
{
	const void *p;
	int len, off, ret;

	memset(c, 0, sizeof(*c));
	c->kernel_offset = DEFAULT_KERNEL_OFFSET;

	fdt_for_each_property_offset(off, fdt, node) {
		const char *pname;

		if (!fdt_getprop_by_offset(fdt, off, &pname, &len))
			FAIL("config: VM '%s': unreadable property", label);
		if (!known(pname))
			FAIL("config: VM '%s': unknown property '%s'", label, pname);
	}

	/* The node's name is the VM's name ("vms { web { ... }; };"). */
	len = (int)strlen(label);
	if (len < 1 || len > CONFIG_NAME_MAX || strchr(label, '@'))
		FAIL("config: VM node '%s': its name must be 1..%d characters without a unit address",
		     label, CONFIG_NAME_MAX);
	memcpy(c->name, label, (size_t)len + 1);

	c->host = fdt_getprop(fdt, node, "host", NULL) != NULL;
	if (c->host) {
		ret = parse_host(fdt, node, label, c, err);
	} else {
		if (fdt_getprop(fdt, node, "moat-pool", NULL))
			FAIL("config: VM '%s': property 'moat-pool' belongs in the host's node "
			     "(the one with 'host;')", label);
		ret = parse_placement(fdt, node, label, nr_cpus, c, err);
	}
	if (ret)
		return ret;

	p = fdt_getprop(fdt, node, "kernel", &len);
	if (!p || len <= 0)
		FAIL("config: VM '%s': property 'kernel' missing or empty", label);
	c->kernel = p;
	c->kernel_size = (u32)len;

	p = fdt_getprop(fdt, node, "initrd", &len);
	if (p) {
		if (len <= 0)
			FAIL("config: VM '%s': property 'initrd' is empty", label);
		c->initrd = p;
		c->initrd_size = (u32)len;
	}

	p = fdt_getprop(fdt, node, "bootargs", &len);
	if (p) {
		if (len < 1 || ((const char *)p)[len - 1])
			FAIL("config: VM '%s': property 'bootargs' is not a string", label);
		if (len > CONFIG_BOOTARGS_MAX)
			FAIL("config: VM '%s': property 'bootargs' is %d bytes; the limit is %d "
			     "(Linux's arm64 command line)", label, len - 1, CONFIG_BOOTARGS_MAX - 1);
		c->bootargs = p;
	}

	p = fdt_getprop(fdt, node, "kernel-offset", &len);
	if (p) {
		if (len != 8)
			FAIL("config: VM '%s': property 'kernel-offset' must be two cells", label);
		c->kernel_offset = be_cells(p, 2);
		if ((c->kernel_offset & 7) || c->kernel_offset >= c->mem_size)
			FAIL("config: VM '%s': property 'kernel-offset' is outside the VM's memory", label);
	}

	c->test_device = fdt_getprop(fdt, node, "test-device", NULL) != NULL;
	c->console = fdt_getprop(fdt, node, "console", NULL) != NULL;
	c->console_raw = fdt_getprop(fdt, node, "console-raw", NULL) != NULL;

	if (fdt_getprop(fdt, node, "on-reset", NULL)) {
		if (dt_prop_is(fdt, node, "on-reset", "stop"))
			c->reset_stops = true;
		else if (!dt_prop_is(fdt, node, "on-reset", "restart"))
			FAIL("config: VM '%s': property 'on-reset' must be \"restart\" or \"stop\" "
			     "(or left out: restart)", label);
	}

	if (fdt_getprop(fdt, node, "trap-tlbi", NULL)) {
		if (dt_prop_is(fdt, node, "trap-tlbi", "precise"))
			c->trap_tlbi = VM_TRAP_TLBI_PRECISE;
		else if (dt_prop_is(fdt, node, "trap-tlbi", "safe"))
			c->trap_tlbi = VM_TRAP_TLBI_SAFE;
		else
			FAIL("config: VM '%s': property 'trap-tlbi' must be \"precise\" or \"safe\" "
			     "(or left out: not trapped)", label);
	}

	p = fdt_getprop(fdt, node, "passthrough", &len);
	if (p) {
		/* <base-hi base-lo size-hi size-lo intid> per device */
		if (len <= 0 || len % 20 || len / 20 > CONFIG_MAX_PASSTHROUGH)
			FAIL("config: VM '%s': property 'passthrough' must be 1..%d entries of "
			     "<base(2) size(2) intid(1)>", label, CONFIG_MAX_PASSTHROUGH);
		c->nr_pt = (u32)len / 20;
		for (u32 i = 0; i < c->nr_pt; i++) {
			const fdt32_t *e = (const fdt32_t *)p + 5 * i;

			c->pt[i].base = be_cells(e, 2);
			c->pt[i].size = be_cells(e + 2, 2);
			c->pt[i].intid = fdt32_ld(e + 4);
			if (!c->pt[i].size || (c->pt[i].base | c->pt[i].size) & (PAGE_SIZE - 1) ||
			    c->pt[i].base + c->pt[i].size < c->pt[i].base)
				FAIL("config: VM '%s': property 'passthrough' entry %u is not a page-aligned "
				     "non-empty range", label, i);
			if (c->pt[i].intid && (c->pt[i].intid < 32 || c->pt[i].intid > 1019))
				FAIL("config: VM '%s': property 'passthrough' entry %u interrupt %u is not "
				     "an SPI (32..1019)", label, i, c->pt[i].intid);
			if (c->pt[i].intid == GUEST_UART_INTID)
				FAIL("config: VM '%s': property 'passthrough' entry %u interrupt %u is the "
				     "interrupt of the VM's own emulated UART", label, i, c->pt[i].intid);
			if (c->pt[i].base < c->mem_base + c->mem_size &&
			    c->mem_base < c->pt[i].base + c->pt[i].size)
				FAIL("config: VM '%s': property 'passthrough' entry %u overlaps its memory",
				     label, i);
			{
				/* The devices moat emulates for this VM (GIC, PL011, test device). */
				const unsigned long long emu[][2] = {
					{ GUEST_GICD_BASE, GUEST_GICD_SIZE },
					{ GUEST_GICR_BASE, c->nr_vcpus * GUEST_GICR_STRIDE },
					{ GUEST_UART_BASE, GUEST_UART_SIZE },
					{ MOAT_TESTDEV_BASE, c->test_device ? MOAT_TESTDEV_SIZE : 0 },
				};

				for (u32 d = 0; d < ARRAY_SIZE(emu); d++)
					if (c->pt[i].base < emu[d][0] + emu[d][1] &&
					    emu[d][0] < c->pt[i].base + c->pt[i].size)
						FAIL("config: VM '%s': property 'passthrough' entry %u overlaps "
						     "an emulated device at [0x%llx, 0x%llx)", label, i,
						     emu[d][0], emu[d][0] + emu[d][1]);
			}
		}
	}
	return 0;
}

/*
 * At most one host; it gets one vCPU per online CPU no other VM names
 * (vCPU n on the n-th such CPU), up to CONFIG_MAX_VCPUS.
 */
static int config_assign_host_cpus(struct vm_config *vms, unsigned int n, unsigned int nr_cpus,
				   char *err)
{
	struct vm_config *host = NULL;
	bool used[64] = { false };

	for (unsigned int i = 0; i < n; i++) {
		if (!vms[i].host) {
			for (u32 v = 0; v < vms[i].nr_vcpus; v++)
				if (vms[i].cpus[v] < ARRAY_SIZE(used))
					used[vms[i].cpus[v]] = true;
			continue;
		}
		if (host) {
			snprintf(err, CONFIG_ERR_MAX, "config: VM '%s': property 'host': '%s' is the "
				 "host already; there can be only one", vms[i].name, host->name);
			return -EINVAL;
		}
		host = &vms[i];
	}
	if (!host)
		return 0;
	for (u32 cpu = 0; cpu < nr_cpus && cpu < ARRAY_SIZE(used); cpu++)
		if (!used[cpu] && host->nr_vcpus < CONFIG_MAX_VCPUS)
			host->cpus[host->nr_vcpus++] = cpu;
	if (!host->nr_vcpus) {
		snprintf(err, CONFIG_ERR_MAX, "config: VM '%s': the host has no CPU: the other VMs "
			 "name all %u; give it one by removing a CPU from another VM's 'cpus'",
			 host->name, nr_cpus);
		return -EINVAL;
	}
	return 0;
}

int config_parse(const void *blob, size_t size, unsigned int nr_cpus, struct vm_config *out,
		 unsigned int max, unsigned int *nr, char err[CONFIG_ERR_MAX])
{
	int vms, node, ret;
	unsigned int n = 0;
	bool cpu_used[64] = { false };

	*nr = 0;
	/* dt_check_struct: libfdt's lookups loop forever on some blobs (dt_bounds.h). */
	if (size < sizeof(struct fdt_header) || fdt_check_header(blob) ||
	    fdt_totalsize(blob) > size || dt_check_struct(blob, size)) {
		snprintf(err, CONFIG_ERR_MAX, "config: the boot bundle is not a valid device tree "
			 "(build it with make; see docs/config.md)");
		return -EINVAL;
	}
	if (fdt_node_check_compatible(blob, 0, BUNDLE_COMPATIBLE)) {
		snprintf(err, CONFIG_ERR_MAX, "config: the boot bundle's root is not compatible with "
			 "\"%s\"", BUNDLE_COMPATIBLE);
		return -EINVAL;
	}
	vms = fdt_path_offset(blob, "/vms");
	if (vms < 0) {
		snprintf(err, CONFIG_ERR_MAX, "config: the boot bundle has no /vms node");
		return -EINVAL;
	}
	fdt_for_each_subnode(node, blob, vms) {
		const char *label = fdt_get_name(blob, node, NULL);

		if (n >= max) {
			snprintf(err, CONFIG_ERR_MAX, "config: more than %u VMs", max);
			return -E2BIG;
		}
		ret = parse_vm(blob, node, label ? label : "?", nr_cpus, &out[n], err);
		if (ret)
			return ret;
		for (unsigned int i = 0; i < n; i++) {
			if (!strcmp(out[i].name, out[n].name)) {
				snprintf(err, CONFIG_ERR_MAX, "config: VM '%s': the name is used by "
					 "another VM too", out[n].name);
				return -EINVAL;
			}
		}
		for (u32 i = 0; i < out[n].nr_vcpus; i++) {
			u32 cpu = out[n].cpus[i];

			if (cpu < ARRAY_SIZE(cpu_used) && cpu_used[cpu]) {
				snprintf(err, CONFIG_ERR_MAX, "config: VM '%s': property 'cpus': CPU %u "
					 "already runs another VM's vCPU", out[n].name, cpu);
				return -EINVAL;
			}
			if (cpu < ARRAY_SIZE(cpu_used))
				cpu_used[cpu] = true;
		}
		n++;
	}
	if (!n) {
		snprintf(err, CONFIG_ERR_MAX, "config: the boot bundle's /vms node has no VM");
		return -EINVAL;
	}
	ret = config_assign_host_cpus(out, n, nr_cpus, err);
	if (ret)
		return ret;
	/* Unfiltered guest output is only safe where no other VM's lines can be forged. */
	for (unsigned int i = 0; i < n && n > 1; i++) {
		if (out[i].console_raw) {
			snprintf(err, CONFIG_ERR_MAX, "config: VM '%s': property 'console-raw' is only "
				 "allowed when it is the only VM (there are %u); remove it", out[i].name, n);
			return -EINVAL;
		}
	}
	*nr = n;
	return 0;
}
