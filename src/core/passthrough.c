// SPDX-License-Identifier: MIT
/*
 * The passthrough rule: a passed-through range is mapped 1:1 into the VM,
 * and moat has no SMMU to confine what a device reads or writes. A device
 * that can master the bus (DMA) would let the VM write anywhere in physical
 * memory, moat included. So a range must be a device of the boot device
 * tree, moat must know that device by its compatible, and only devices
 * that cannot master the bus are accepted.
 */
#include "core/passthrough.h"
#include "core/guest_layout.h"
#include "lib/err.h"
#include "lib/printf.h"
#include <libfdt.h>
#include <string.h>

struct pt_kind {
	const char *compatible;
	bool allowed;
	const char *why;	/* for devices refused: what it could do */
};

#define DMA_WHY "it can master DMA and would reach moat's memory"

/*
 * Every device moat knows, by its most specific compatible. Allowed: plain
 * MMIO slaves without a bus-master interface. Refused with a reason: the
 * usual devices of the machines moat runs on that must not be given away.
 * Anything not here is refused as unknown.
 */
static const struct pt_kind pt_kinds[] = {
	{ "arm,pl031", true, NULL },		/* RTC */
	{ "arm,pl061", true, NULL },		/* GPIO */
	{ "arm,pl011", true, NULL },		/* UART (not moat's console: checked apart) */
	{ "arm,sbsa-uart", true, NULL },	/* UART, the PL011 subset */
	{ "qemu,fw-cfg-mmio", false, DMA_WHY },
	{ "virtio,mmio", false, DMA_WHY },
	{ "arm,pl330", false, DMA_WHY },
	{ "pci-host-ecam-generic", false,
	  "the PCI devices behind it can master DMA and would reach moat's memory" },
	{ "arm,gic-v3-its", false,
	  "it reads and writes its tables in memory (DMA) and routes every device's MSIs" },
	{ "arm,smmu-v3", false, "it is the IOMMU that decides what every device may reach" },
	{ "arm,mmu-500", false, "it is the IOMMU that decides what every device may reach" },
	{ "arm,smmu-v2", false, "it is the IOMMU that decides what every device may reach" },
	{ "arm,gic-v3", false, "moat drives the GIC" },
	{ "syscon", false, "it can reset or power off the whole machine" },
	{ "syscon-reboot", false, "it can reset the whole machine" },
	{ "syscon-poweroff", false, "it can power off the whole machine" },
	{ "gpio-poweroff", false, "it can power off the whole machine" },
};

bool passthrough_allowed(const char *compatible, const char **why)
{
	for (size_t i = 0; i < ARRAY_SIZE(pt_kinds); i++) {
		if (strcmp(pt_kinds[i].compatible, compatible))
			continue;
		*why = pt_kinds[i].allowed ? "" : pt_kinds[i].why;
		return pt_kinds[i].allowed;
	}
	*why = "moat does not know this device, so cannot tell that it cannot master DMA";
	return false;
}

/* "arm,pl031, arm,pl061, ...": the allowed compatibles, for messages. */
static const char *allowed_list(void)
{
	static char buf[128];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(pt_kinds); i++)
		if (pt_kinds[i].allowed && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "",
					      pt_kinds[i].compatible);
	return buf;
}

static bool overlaps(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

#define FAIL(...) do { snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__); return -EINVAL; } while (0)

/* What the range would clash with among the things moat itself uses or has given out. */
static const char *clash_of(const struct platform *plat, const struct vm_config *vms,
			    unsigned int idx, u64 base, u64 size)
{
	for (unsigned int m = 0; m < plat->nr_mem; m++)
		if (overlaps(base, size, plat->mem[m].base, plat->mem[m].size))
			return "RAM";
	if (overlaps(base, size, plat->gicd.base, plat->gicd.size))
		return "the GIC distributor";
	for (unsigned int r = 0; r < plat->nr_gicr; r++)
		if (overlaps(base, size, plat->gicr[r].base, plat->gicr[r].size))
			return "the GIC redistributors";
	if (plat->have_uart && overlaps(base, size, plat->uart.base, plat->uart.size))
		return "moat's console UART";
	for (unsigned int o = 0; o < idx; o++)
		for (u32 j = 0; j < vms[o].nr_pt; j++)
			if (overlaps(base, size, vms[o].pt[j].base, vms[o].pt[j].size))
				return "a device passed to another VM";
	return NULL;
}

static int check_intid(const struct platform *plat, u32 gic_lines, const struct vm_config *vms,
		       unsigned int idx, u32 i, char *err)
{
	const struct vm_config *c = &vms[idx];
	u32 intid = c->pt[i].intid;

	if (!intid)
		return 0;
	if (!gic_lines)
		FAIL("config: VM '%s': property 'passthrough' entry %u interrupt %u: moat found no "
		     "usable GIC, so it cannot forward interrupts (use 0)", c->name, i, intid);
	if (intid >= gic_lines)
		FAIL("config: VM '%s': property 'passthrough' entry %u interrupt %u does not exist: "
		     "this GIC has INTIDs up to %u (GICD_TYPER.ITLinesNumber)", c->name, i, intid,
		     gic_lines - 1);
	if (plat->uart_intid && intid == plat->uart_intid)
		FAIL("config: VM '%s': property 'passthrough' entry %u interrupt %u is the interrupt "
		     "of moat's console UART", c->name, i, intid);
	for (unsigned int o = 0; o <= idx; o++)
		for (u32 j = 0; j < (o == idx ? i : vms[o].nr_pt); j++)
			if (vms[o].pt[j].intid == intid)
				FAIL("config: VM '%s': property 'passthrough' entry %u interrupt %u is "
				     "already given to VM '%s'", c->name, i, intid, vms[o].name);
	return 0;
}

/* The node whose reg covers [base, base + size); every node it overlaps must be allowed. */
static int check_device(const struct platform *plat, const struct vm_config *c, u32 i, char *err)
{
	const void *fdt = plat->fdt;
	u64 base = c->pt[i].base, size = c->pt[i].size;
	bool covered = false;
	int node, depth = 0;

	if (!fdt)
		FAIL("config: VM '%s': property 'passthrough' entry %u: moat has no device tree to "
		     "check it against", c->name, i);
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		struct plat_range r;

		/* Each reg entry, widened to whole pages: that is what the VM would be given. */
		for (int n = 0; platform_node_reg(fdt, node, n, &r) == 0; n++) {
			u64 rb = ALIGN_DOWN(r.base, PAGE_SIZE);
			u64 re = ALIGN_UP(r.base + r.size, PAGE_SIZE);
			const char *compat, *why;
			char path[96];
			int len;

			if (re <= rb || !overlaps(base, size, rb, re - rb))
				continue;
			if (fdt_get_path(fdt, node, path, sizeof(path)))
				memcpy(path, "?", 2);
			compat = fdt_getprop(fdt, node, "compatible", &len);
			if (!compat || len <= 0 || strnlen(compat, (size_t)len) >= (size_t)len)
				FAIL("config: VM '%s': passthrough 0x%08llx is %s, which has no compatible: moat "
				     "passes through only devices it knows cannot master DMA (%s)", c->name,
				     (unsigned long long)base, path, allowed_list());
			if (!passthrough_allowed(compat, &why))
				FAIL("config: VM '%s': passthrough 0x%08llx is %s (%s): %s; moat passes through "
				     "only devices that cannot (%s)", c->name, (unsigned long long)base,
				     path, compat, why, allowed_list());
			if (base >= rb && base + size <= re)
				covered = true;
		}
	}
	if (!covered)
		FAIL("config: VM '%s': passthrough [0x%llx, 0x%llx) is not a device of the boot device "
		     "tree: give a range inside one device node's reg", c->name,
		     (unsigned long long)base, (unsigned long long)(base + size));
	return 0;
}

int passthrough_check(const struct platform *plat, u32 gic_lines, const struct vm_config *vms,
		      unsigned int idx, char err[CONFIG_ERR_MAX])
{
	const struct vm_config *c = &vms[idx];

	for (u32 i = 0; i < c->nr_pt; i++) {
		const struct vm_passthrough *p = &c->pt[i];
		const char *clash = clash_of(plat, vms, idx, p->base, p->size);
		int ret;

		if (clash)
			FAIL("config: VM '%s': property 'passthrough' entry %u [0x%llx, 0x%llx) overlaps %s",
			     c->name, i, (unsigned long long)p->base,
			     (unsigned long long)(p->base + p->size), clash);
		ret = check_device(plat, c, i, err);
		if (ret)
			return ret;
		ret = check_intid(plat, gic_lines, vms, idx, i, err);
		if (ret)
			return ret;
	}
	return 0;
}
