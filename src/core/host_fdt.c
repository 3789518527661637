// SPDX-License-Identifier: MIT
/*
 * The host's device tree: moat's boot device tree, copied and filtered
 * with libfdt (docs/host-mode.md). Portable; tests/unit/test_host_fdt.c.
 */
#include "core/host_fdt.h"
#include "moat/hypercall.h"
#include "lib/printf.h"
#include <libfdt.h>
#include <string.h>

/* Devices moat keeps from the host: they can master DMA, or moat owns them. */
const char *const host_moat_devices[] = {
	"qemu,fw-cfg-mmio",	/* DMA to any address */
	"arm,smmu-v3",		/* would let the host remap DMA */
	"arm,smmuv3",
	"arm,gic-v3-its",	/* writes its tables to memory; the vGIC has no ITS */
};
const size_t host_nr_moat_devices = ARRAY_SIZE(host_moat_devices);

static int del_by_compatible(void *fdt, const char *compat)
{
	int node, ret;

	while ((node = fdt_node_offset_by_compatible(fdt, -1, compat)) >= 0) {
		ret = fdt_del_node(fdt, node);
		if (ret)
			return ret;
	}
	return node == -FDT_ERR_NOTFOUND ? 0 : node;
}

/* Does the first reg entry of @node overlap a device another VM has? */
static bool other_vms_device(const void *fdt, int node, const struct host_fdt_params *p)
{
	struct plat_range r;

	if (platform_node_reg(fdt, node, 0, &r))
		return false;
	for (u32 i = 0; i < p->nr_taken; i++)
		if (p->taken[i].base < r.base + r.size && r.base < p->taken[i].base + p->taken[i].size)
			return true;
	return false;
}

static int del_other_vms_devices(void *fdt, const struct host_fdt_params *p)
{
	for (;;) {
		int node = fdt_next_node(fdt, -1, NULL), ret;

		while (node >= 0 && !other_vms_device(fdt, node, p))
			node = fdt_next_node(fdt, node, NULL);
		if (node < 0)
			return 0;
		/* Offsets move when a node goes: look again from the start. */
		ret = fdt_del_node(fdt, node);
		if (ret)
			return ret;
	}
}

/* CPU nodes of physical CPUs the host does not run on go. */
static int filter_cpus(void *fdt, const struct host_fdt_params *p)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, ret;
	bool removed = false;

	if (cpus < 0)
		return 0;
again:
	fdt_for_each_subnode(node, fdt, cpus) {
		const fdt32_t *reg;
		int len;
		u64 mpidr;
		bool mine = false;

		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || (len != 4 && len != 8))
			continue;
		mpidr = len == 8 ? fdt64_ld((const fdt64_t *)reg) : fdt32_ld(reg);
		for (u32 i = 0; i < p->nr_cpus; i++)
			mine |= p->mpidr[i] == mpidr;
		if (!mine) {
			ret = fdt_del_node(fdt, node);
			if (ret)
				return ret;
			removed = true;
			goto again;
		}
	}
	/* cpu-map would name CPUs that are gone. */
	node = removed ? fdt_subnode_offset(fdt, cpus, "cpu-map") : -1;
	return node >= 0 ? fdt_del_node(fdt, node) : 0;
}

/* RAM that is not the host's: /reserved-memory, no-map. */
static int add_reserved(void *fdt, const struct host_fdt_params *p)
{
	int rm = fdt_path_offset(fdt, "/reserved-memory"), ret = 0;

	if (rm < 0) {
		rm = fdt_add_subnode(fdt, 0, "reserved-memory");
		if (rm < 0)
			return rm;
		ret = fdt_setprop_u32(fdt, rm, "#address-cells", 2);
		ret = ret ?: fdt_setprop_u32(fdt, rm, "#size-cells", 2);
		ret = ret ?: fdt_setprop(fdt, rm, "ranges", NULL, 0);
	}
	for (u32 b = 0; b < p->nr_mem && !ret; b++) {
		u64 at = p->mem[b].base, end = at + p->mem[b].size;

		while (at < end && !ret) {
			u64 next = end, resume = end;
			char name[32];
			int n;

			/* The next host run in this bank bounds the gap that starts at @at. */
			for (u32 i = 0; i < p->nr_host_ram; i++) {
				const struct plat_range *r = &p->host_ram[i];

				if (r->base <= at && at < r->base + r->size) {
					next = at;
					resume = r->base + r->size;
					break;
				}
				if (r->base > at && r->base < next) {
					next = r->base;
					resume = r->base + r->size;
				}
			}
			if (next > at) {
				snprintf(name, sizeof(name), "moat@%llx", (unsigned long long)at);
				n = fdt_add_subnode(fdt, rm, name);
				if (n < 0)
					return n;
				ret = fdt_setprop_u64(fdt, n, "reg", at);
				ret = ret ?: fdt_appendprop_u64(fdt, n, "reg", next - at);
				ret = ret ?: fdt_setprop(fdt, n, "no-map", NULL, 0);
			}
			at = resume;
		}
	}
	return ret;
}

/*
 * Copy the boot tree into @buf with room to grow. A firmware tree can be
 * mostly free space (QEMU's is 1 MiB for 8 KiB of content), and libfdt
 * moves a tree whole, so only the used blocks are copied first.
 */
/* GIC binding (interrupt-controller/arm,gic-v3): the three interrupt cells. */
#define DT_GIC_SPI		0
#define DT_IRQ_TYPE_EDGE_RISING	1

/*
 * The moat node the host's module binds to (moat/hypercall.h): its
 * interrupt is the doorbell, a virtual SPI that moat raises as an edge
 * when a hosted vCPU that is not running gets an interrupt.
 */
static int add_moat_node(void *fdt, const struct host_fdt_params *p)
{
	fdt32_t irq[3] = { cpu_to_fdt32(DT_GIC_SPI), cpu_to_fdt32(p->doorbell_intid - 32),
			   cpu_to_fdt32(DT_IRQ_TYPE_EDGE_RISING) };
	int node, ret;

	if (p->doorbell_intid < 32)
		return 0;
	node = fdt_add_subnode(fdt, 0, "moat");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(fdt, node, "compatible", MOAT_DT_COMPATIBLE);
	return ret ?: fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
}

static int open_boot_tree(void *buf, size_t size, const void *fdt)
{
	u64 used = MAX((u64)fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt),
		       (u64)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt));

	if (fdt_off_mem_rsvmap(fdt) > fdt_off_dt_struct(fdt) || used > size)
		return -FDT_ERR_NOSPACE;
	memcpy(buf, fdt, used);
	fdt_set_totalsize(buf, (u32)used);
	return fdt_open_into(buf, buf, (int)size);
}

int host_fdt_build(void *buf, size_t size, const struct host_fdt_params *p)
{
	int ret = open_boot_tree(buf, size, p->boot_fdt), node;

	for (size_t c = 0; c < host_nr_moat_devices && !ret; c++)
		ret = del_by_compatible(buf, host_moat_devices[c]);
	ret = ret ?: del_other_vms_devices(buf, p);
	ret = ret ?: filter_cpus(buf, p);
	if (!ret) {
		/* moat is the host's PSCI firmware, reached with HVC. */
		node = fdt_path_offset(buf, "/psci");
		if (node >= 0)
			ret = fdt_setprop_string(buf, node, "method", "hvc");
	}
	if (!ret) {
		node = fdt_path_offset(buf, "/chosen");
		if (node < 0)
			node = fdt_add_subnode(buf, 0, "chosen");
		ret = node < 0 ? node : 0;
		ret = ret ?: fdt_setprop_string(buf, node, "bootargs", p->bootargs ? p->bootargs : "");
		if (!ret && p->initrd_size) {
			ret = fdt_setprop_u64(buf, node, "linux,initrd-start", p->initrd);
			ret = ret ?: fdt_setprop_u64(buf, node, "linux,initrd-end",
						     p->initrd + p->initrd_size);
		} else if (!ret) {
			fdt_delprop(buf, node, "linux,initrd-start");
			fdt_delprop(buf, node, "linux,initrd-end");
		}
	}
	ret = ret ?: add_reserved(buf, p);
	ret = ret ?: add_moat_node(buf, p);
	return ret ?: fdt_pack(buf);
}
