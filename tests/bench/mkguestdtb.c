// SPDX-License-Identifier: MIT
/*
 * Writes the device tree moat generates for a Linux VM (2 vCPUs, 512 MiB,
 * the default layout) to a file, so the native boot in bench_linux.py can
 * run the kernel on the same hardware description.
 * Usage: mkguestdtb OUT.dtb
 */
#include <stdio.h>

#include "core/guest_fdt.h"
#include "core/guest_layout.h"

int main(int argc, char **argv)
{
	static unsigned char buf[GUEST_FDT_MAX_SIZE] __attribute__((aligned(8)));
	const u64 mpidr[2] = { 0x80000000ULL, 0x80000001ULL };
	struct guest_fdt_params p = {
		.mem_base = 0x40000000, .mem_size = 0x20000000,
		.nr_vcpus = 2, .mpidr = mpidr,
		.gicd_base = GUEST_GICD_BASE, .gicd_size = GUEST_GICD_SIZE,
		.gicr_base = GUEST_GICR_BASE, .gicr_stride = GUEST_GICR_STRIDE,
		.gic_maint_intid = 25,
		.timer_sec_intid = 29, .timer_ns_intid = 30, .timer_virt_intid = 27,
		.timer_hyp_intid = 26,
		.uart_base = GUEST_UART_BASE, .uart_size = GUEST_UART_SIZE,
		.uart_intid = GUEST_UART_INTID,
	};
	FILE *f;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUT.dtb\n", argv[0]);
		return 2;
	}
	ret = guest_fdt_build(buf, sizeof(buf), &p);
	if (ret) {
		fprintf(stderr, "mkguestdtb: guest_fdt_build failed: %d\n", ret);
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(buf, 1, (size_t)((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]), f) == 0) {
		perror(argv[1]);
		return 1;
	}
	return fclose(f) ? 1 : 0;
}
