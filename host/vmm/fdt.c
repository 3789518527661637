// SPDX-License-Identifier: MIT
/*
 * The guest's device tree, written with libfdt's sequential writer. What
 * is in it and why: docs/hosted.md, "moat-vmm". Shapes follow the Linux
 * bindings (arm/cpus, arm/psci, interrupt-controller/arm,gic-v3,
 * timer/arm,arch_timer, serial/pl011, virtio/mmio).
 */
#include "vmm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <moat/hypercall.h>

#define PHANDLE_GIC		1
#define PHANDLE_CLK		2
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_TYPE_LEVEL_HIGH	4
/* Timer PPIs as QEMU's virt machine lists them: secure, non-secure physical, virtual, hypervisor. */
static const unsigned int timer_ppis[4] = { 13, 14, 11, 10 };

static int reg64(void *fdt, const char *name, uint64_t a, uint64_t b, uint64_t c, uint64_t d, int n)
{
	fdt64_t v[4] = { cpu_to_fdt64(a), cpu_to_fdt64(b), cpu_to_fdt64(c), cpu_to_fdt64(d) };

	return fdt_property(fdt, name, v, n * sizeof(v[0]));
}

static int irq_prop(void *fdt, unsigned int type, unsigned int nr)
{
	fdt32_t v[3] = { cpu_to_fdt32(type), cpu_to_fdt32(nr), cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH) };

	return fdt_property(fdt, "interrupts", v, sizeof(v));
}

/* Stop at the first error; libfdt's codes are negative. */
#define T(x) do { int _e = (x); if (_e < 0) return _e; } while (0)

static int cpus_node(void *fdt, unsigned int n)
{
	char name[32];

	T(fdt_begin_node(fdt, "cpus"));
	T(fdt_property_u32(fdt, "#address-cells", 1));
	T(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "device_type", "cpu"));
		T(fdt_property_string(fdt, "compatible", "arm,armv8"));
		/* moat gives vCPU i the MPIDR affinity i. */
		T(fdt_property_u32(fdt, "reg", i));
		T(fdt_property_string(fdt, "enable-method", "psci"));
		T(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int gic_timer_psci(void *fdt, unsigned int n)
{
	char name[48];
	fdt32_t ti[12];

	snprintf(name, sizeof(name), "interrupt-controller@%llx", MOAT_HOSTED_GICD_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	T(fdt_property_u32(fdt, "#interrupt-cells", 3));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	T(fdt_property_u32(fdt, "#redistributor-regions", 1));
	/* No children (no ITS), but the binding wants an interrupt provider to say its cells. */
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property(fdt, "ranges", NULL, 0));
	T(reg64(fdt, "reg", MOAT_HOSTED_GICD_BASE, MOAT_HOSTED_GICD_SIZE, MOAT_HOSTED_GICR_BASE,
		(uint64_t)n * MOAT_HOSTED_GICR_STRIDE, 4));
	T(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "timer"));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	for (int i = 0; i < 4; i++) {
		ti[3 * i] = cpu_to_fdt32(GIC_PPI);
		ti[3 * i + 1] = cpu_to_fdt32(timer_ppis[i]);
		ti[3 * i + 2] = cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH);
	}
	T(fdt_property(fdt, "interrupts", ti, sizeof(ti)));
	T(fdt_property(fdt, "always-on", NULL, 0));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "psci"));
	/* "arm,psci-1.0" first; "arm,psci-0.2" for kernels that know only that. */
	T(fdt_property(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2", sizeof("arm,psci-1.0\0arm,psci-0.2")));
	T(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
}

static int devices(struct vmm *v, void *fdt)
{
	char name[48];

	T(fdt_begin_node(fdt, "apb-pclk"));
	T(fdt_property_string(fdt, "compatible", "fixed-clock"));
	T(fdt_property_u32(fdt, "#clock-cells", 0));
	T(fdt_property_u32(fdt, "clock-frequency", 24000000));
	T(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	T(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "pl011@%llx", VMM_UART_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property(fdt, "compatible", "arm,pl011\0arm,primecell", sizeof("arm,pl011\0arm,primecell")));
	T(reg64(fdt, "reg", VMM_UART_BASE, VPL011_MMIO_SIZE, 0, 0, 2));
	T(irq_prop(fdt, GIC_SPI, VMM_UART_SPI));
	{
		fdt32_t clk[2] = { cpu_to_fdt32(PHANDLE_CLK), cpu_to_fdt32(PHANDLE_CLK) };

		T(fdt_property(fdt, "clocks", clk, sizeof(clk)));
	}
	T(fdt_property(fdt, "clock-names", "uartclk\0apb_pclk", sizeof("uartclk\0apb_pclk")));
	T(fdt_end_node(fdt));

	if (v->has_blk) {
		snprintf(name, sizeof(name), "virtio_mmio@%llx", VMM_VIRTIO_BASE);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		T(reg64(fdt, "reg", VMM_VIRTIO_BASE, VIRTIO_MMIO_SIZE, 0, 0, 2));
		T(irq_prop(fdt, GIC_SPI, VMM_VIRTIO_SPI));
		T(fdt_property(fdt, "dma-coherent", NULL, 0));
		T(fdt_end_node(fdt));
	}
	return 0;
}

static int build(struct vmm *v, void *fdt, unsigned int size)
{
	char name[48];

	T(fdt_create(fdt, (int)size));
	/* The DTB's own memory: the kernel reserves it from its header, the initrd from /chosen. */
	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "moat,hosted-vm"));
	T(fdt_property_string(fdt, "model", "moat hosted VM"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	T(fdt_begin_node(fdt, "chosen"));
	T(fdt_property_string(fdt, "bootargs", v->opt.append ? v->opt.append : ""));
	snprintf(name, sizeof(name), "/pl011@%llx", VMM_UART_BASE);
	T(fdt_property_string(fdt, "stdout-path", name));
	if (v->initrd_size) {
		T(fdt_property_u64(fdt, "linux,initrd-start", v->initrd_ipa));
		T(fdt_property_u64(fdt, "linux,initrd-end", v->initrd_ipa + v->initrd_size));
	}
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)v->mem.ipa);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(reg64(fdt, "reg", v->mem.ipa, v->mem.size, 0, 0, 2));
	T(fdt_end_node(fdt));

	T(cpus_node(fdt, v->opt.cpus));
	T(gic_timer_psci(fdt, v->opt.cpus));
	T(devices(v, fdt));
	T(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int vmm_build_fdt(struct vmm *v, void *buf, unsigned int size)
{
	int e = build(v, buf, size);

	if (e < 0) {
		fprintf(stderr, "moat-vmm: building the guest's device tree: %s\n", fdt_strerror(e));
		return -EINVAL;
	}
	return 0;
}
