// SPDX-License-Identifier: MIT
/* The guest device tree: see guest_fdt.h. */
#include <libfdt.h>
#include <string.h>

#include "core/guest_fdt.h"
#include "lib/err.h"
#include "lib/printf.h"

/* GIC interrupt specifier: <type number flags>. */
#define GIC_FDT_IRQ_TYPE_SPI	0
#define GIC_FDT_IRQ_TYPE_PPI	1
#define GIC_FDT_IRQ_LEVEL_HIGH	4	/* IRQ_TYPE_LEVEL_HIGH */

#define INTID_PPI_FIRST	16
#define INTID_SPI_FIRST	32
#define INTID_SPI_LAST	1019

/* PSCI 0.2 function IDs the legacy "arm,psci" binding names (SMC64 where there is one). */
#define PSCI_0_2_FN_CPU_SUSPEND	0xc4000001
#define PSCI_0_2_FN_CPU_OFF	0x84000002
#define PSCI_0_2_FN_CPU_ON	0xc4000003
#define PSCI_0_2_FN_MIGRATE	0xc4000005

#define NODE_NAME_MAX	64
#define DEV_NAME_MAX	31

/* Bail out of a builder function with libfdt's (negative) error. */
#define TRY(call)                              \
	do {                                   \
		int __ret = (call);            \
		if (__ret < 0)                 \
			return __ret;          \
	} while (0)

static bool is_ppi(u32 intid)
{
	return intid >= INTID_PPI_FIRST && intid < INTID_SPI_FIRST;
}

static bool is_spi(u32 intid)
{
	return intid >= INTID_SPI_FIRST && intid <= INTID_SPI_LAST;
}

static bool range_ok(u64 base, u64 size)
{
	return size && base + size - 1 >= base;
}

static u64 gicr_stride(const struct guest_fdt_params *p)
{
	return p->gicr_stride ? p->gicr_stride : GUEST_FDT_GICR_STRIDE;
}

static int check_params(const struct guest_fdt_params *p)
{
	if (!p || !p->nr_vcpus || !p->mpidr)
		return -EINVAL;
	if (!range_ok(p->mem_base, p->mem_size) || !range_ok(p->gicd_base, p->gicd_size) ||
	    !range_ok(p->uart_base, p->uart_size))
		return -EINVAL;
	if (gicr_stride(p) > ~0ULL / p->nr_vcpus ||
	    !range_ok(p->gicr_base, gicr_stride(p) * p->nr_vcpus))
		return -EINVAL;
	if (!is_ppi(p->gic_maint_intid) || !is_ppi(p->timer_sec_intid) ||
	    !is_ppi(p->timer_ns_intid) || !is_ppi(p->timer_virt_intid) ||
	    !is_ppi(p->timer_hyp_intid) || !is_spi(p->uart_intid))
		return -EINVAL;
	if (p->pmu_intid && !is_ppi(p->pmu_intid))
		return -EINVAL;
	if (p->initrd_size && !range_ok(p->initrd_start, p->initrd_size))
		return -EINVAL;
	/* Two vCPUs with one affinity would give two nodes of one name. */
	for (u32 i = 0; i < p->nr_vcpus; i++)
		for (u32 j = 0; j < i; j++)
			if (!((p->mpidr[i] ^ p->mpidr[j]) & GUEST_FDT_MPIDR_AFF_MASK))
				return -EINVAL;
	if (p->nr_devs && !p->devs)
		return -EINVAL;
	for (u32 i = 0; i < p->nr_devs; i++) {
		const struct guest_fdt_dev *d = &p->devs[i];

		if (!range_ok(d->base, d->size) || (d->intid && !is_spi(d->intid)))
			return -EINVAL;
		if (d->name && (!d->name[0] || strnlen(d->name, DEV_NAME_MAX + 1) > DEV_NAME_MAX ||
				strchr(d->name, '@') || strchr(d->name, '/')))
			return -EINVAL;
	}
	return 0;
}

/* A property of (address, size) pairs, each number as two cells. */
static int prop_reg64(void *fdt, const char *name, const u64 *vals, unsigned int n)
{
	fdt64_t cells[8];

	if (n > ARRAY_SIZE(cells))
		return -FDT_ERR_INTERNAL;
	for (unsigned int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt64(vals[i]);
	return fdt_property(fdt, name, cells, (int)(n * sizeof(cells[0])));
}

static int prop_cells(void *fdt, const char *name, const u32 *vals, unsigned int n)
{
	fdt32_t cells[12];

	if (n > ARRAY_SIZE(cells))
		return -FDT_ERR_INTERNAL;
	for (unsigned int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(vals[i]);
	return fdt_property(fdt, name, cells, (int)(n * sizeof(cells[0])));
}

/* A list of strings, written as one NUL-separated literal: pass sizeof(literal). */
static int prop_strings(void *fdt, const char *name, const char *list, size_t len)
{
	return fdt_property(fdt, name, list, (int)len);
}
#define PROP_STRINGS(fdt, name, lit) prop_strings(fdt, name, lit, sizeof(lit))

static int begin_node_at(void *fdt, const char *name, u64 addr)
{
	char node[NODE_NAME_MAX];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}

static int spi_prop(void *fdt, u32 intid)
{
	const u32 irq[] = { GIC_FDT_IRQ_TYPE_SPI, intid - INTID_SPI_FIRST, GIC_FDT_IRQ_LEVEL_HIGH };

	return prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq));
}

static int add_psci(void *fdt)
{
	TRY(fdt_begin_node(fdt, "psci"));
	TRY(PROP_STRINGS(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	/* For the original "arm,psci" binding, which names its functions. */
	TRY(fdt_property_u32(fdt, "cpu_suspend", PSCI_0_2_FN_CPU_SUSPEND));
	TRY(fdt_property_u32(fdt, "cpu_off", PSCI_0_2_FN_CPU_OFF));
	TRY(fdt_property_u32(fdt, "cpu_on", PSCI_0_2_FN_CPU_ON));
	TRY(fdt_property_u32(fdt, "migrate", PSCI_0_2_FN_MIGRATE));
	return fdt_end_node(fdt);
}

static int add_memory(void *fdt, const struct guest_fdt_params *p)
{
	const u64 reg[] = { p->mem_base, p->mem_size };

	TRY(begin_node_at(fdt, "memory", p->mem_base));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg64(fdt, "reg", reg, ARRAY_SIZE(reg)));
	return fdt_end_node(fdt);
}

static int add_cpus(void *fdt, const struct guest_fdt_params *p)
{
	bool aff3 = false;

	for (u32 i = 0; i < p->nr_vcpus; i++)
		aff3 |= (p->mpidr[i] & GUEST_FDT_MPIDR_AFF3) != 0;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", aff3 ? 2 : 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (u32 i = 0; i < p->nr_vcpus; i++) {
		u64 aff = p->mpidr[i] & GUEST_FDT_MPIDR_AFF_MASK;

		TRY(begin_node_at(fdt, "cpu", aff));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		if (aff3)
			TRY(fdt_property_u64(fdt, "reg", aff));
		else
			TRY(fdt_property_u32(fdt, "reg", (u32)aff));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_gic(void *fdt, const struct guest_fdt_params *p)
{
	const u64 reg[] = { p->gicd_base, p->gicd_size, p->gicr_base, gicr_stride(p) * p->nr_vcpus };
	const u32 irq[] = { GIC_FDT_IRQ_TYPE_PPI, p->gic_maint_intid - INTID_PPI_FIRST,
			    GIC_FDT_IRQ_LEVEL_HIGH };

	TRY(begin_node_at(fdt, "intc", p->gicd_base));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	/* No children (no ITS), but an interrupt provider states its address cells. */
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	TRY(prop_reg64(fdt, "reg", reg, ARRAY_SIZE(reg)));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	TRY(prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq)));
	TRY(fdt_property_u32(fdt, "phandle", GUEST_FDT_PHANDLE_GIC));
	return fdt_end_node(fdt);
}

static int add_timer(void *fdt, const struct guest_fdt_params *p)
{
	/* Order fixed by the binding: secure phys, non-secure phys, virtual, hypervisor. */
	const u32 ppis[] = { p->timer_sec_intid, p->timer_ns_intid, p->timer_virt_intid,
			     p->timer_hyp_intid };
	u32 irq[3 * ARRAY_SIZE(ppis)];

	for (unsigned int i = 0; i < ARRAY_SIZE(ppis); i++) {
		irq[3 * i] = GIC_FDT_IRQ_TYPE_PPI;
		irq[3 * i + 1] = ppis[i] - INTID_PPI_FIRST;
		irq[3 * i + 2] = GIC_FDT_IRQ_LEVEL_HIGH;
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(PROP_STRINGS(fdt, "compatible", "arm,armv8-timer\0arm,armv7-timer"));
	TRY(prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq)));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

/* The PMUv3, when the VM has one: its overflow interrupt is a PPI of every vCPU. */
static int add_pmu(void *fdt, const struct guest_fdt_params *p)
{
	const u32 irq[] = { GIC_FDT_IRQ_TYPE_PPI, p->pmu_intid - INTID_PPI_FIRST, GIC_FDT_IRQ_LEVEL_HIGH };

	if (!p->pmu_intid)
		return 0;
	TRY(fdt_begin_node(fdt, "pmu"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	TRY(prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq)));
	return fdt_end_node(fdt);
}

static int add_uart_clock(void *fdt, const struct guest_fdt_params *p)
{
	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency",
			     p->uart_clock_hz ? p->uart_clock_hz : GUEST_FDT_UART_CLOCK_HZ));
	TRY(fdt_property_u32(fdt, "phandle", GUEST_FDT_PHANDLE_CLK));
	return fdt_end_node(fdt);
}

static int add_uart(void *fdt, const struct guest_fdt_params *p)
{
	const u64 reg[] = { p->uart_base, p->uart_size };
	const u32 clocks[] = { GUEST_FDT_PHANDLE_CLK, GUEST_FDT_PHANDLE_CLK };

	TRY(begin_node_at(fdt, "pl011", p->uart_base));
	TRY(PROP_STRINGS(fdt, "compatible", "arm,pl011\0arm,primecell"));
	TRY(prop_reg64(fdt, "reg", reg, ARRAY_SIZE(reg)));
	TRY(spi_prop(fdt, p->uart_intid));
	TRY(prop_cells(fdt, "clocks", clocks, ARRAY_SIZE(clocks)));
	TRY(PROP_STRINGS(fdt, "clock-names", "uartclk\0apb_pclk"));
	return fdt_end_node(fdt);
}

static int add_devs(void *fdt, const struct guest_fdt_params *p)
{
	for (u32 i = 0; i < p->nr_devs; i++) {
		const struct guest_fdt_dev *d = &p->devs[i];
		const u64 reg[] = { d->base, d->size };

		TRY(begin_node_at(fdt, d->name ? d->name : "passthrough", d->base));
		if (d->compatible)
			TRY(fdt_property_string(fdt, "compatible", d->compatible));
		TRY(prop_reg64(fdt, "reg", reg, ARRAY_SIZE(reg)));
		if (d->intid)
			TRY(spi_prop(fdt, d->intid));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

static int add_chosen(void *fdt, const struct guest_fdt_params *p, const char *uart_path)
{
	TRY(fdt_begin_node(fdt, "chosen"));
	if (p->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", p->bootargs));
	TRY(fdt_property_string(fdt, "stdout-path", uart_path));
	if (p->initrd_size) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_start + p->initrd_size));
	}
	return fdt_end_node(fdt);
}

static int add_aliases(void *fdt, const char *uart_path)
{
	TRY(fdt_begin_node(fdt, "aliases"));
	TRY(fdt_property_string(fdt, "serial0", uart_path));
	return fdt_end_node(fdt);
}

static int build(void *fdt, int size, const struct guest_fdt_params *p)
{
	char uart_path[NODE_NAME_MAX];

	snprintf(uart_path, sizeof(uart_path), "/pl011@%llx", (unsigned long long)p->uart_base);

	TRY(fdt_create(fdt, size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_string(fdt, "model", "moat guest"));
	TRY(fdt_property_u32(fdt, "interrupt-parent", GUEST_FDT_PHANDLE_GIC));

	TRY(add_psci(fdt));
	TRY(add_memory(fdt, p));
	TRY(add_cpus(fdt, p));
	TRY(add_gic(fdt, p));
	TRY(add_timer(fdt, p));
	TRY(add_pmu(fdt, p));
	TRY(add_uart_clock(fdt, p));
	TRY(add_uart(fdt, p));
	TRY(add_devs(fdt, p));
	TRY(add_chosen(fdt, p, uart_path));
	TRY(add_aliases(fdt, uart_path));

	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int guest_fdt_build(void *buf, size_t size, const struct guest_fdt_params *p)
{
	int ret;

	if (!buf || !IS_ALIGNED((uintptr_t)buf, 8))
		return -EINVAL;
	ret = check_params(p);
	if (ret)
		return ret;
	/* libfdt sizes are ints; a buffer this large is more than enough anyway. */
	if (size > 0x7fffffff)
		size = 0x7fffffff;
	ret = build(buf, (int)size, p);
	if (ret == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return ret < 0 ? -EIO : 0;
}
