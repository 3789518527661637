// SPDX-License-Identifier: MIT
#include "core/boot.h"
#include "core/guest_fdt.h"
#include "core/guest_layout.h"
#include "core/host.h"
#include "core/loader.h"
#include <libfdt.h>
#include "core/vm.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include <string.h>

int loader_place_kernel(const void *image, u64 size, u64 ram, u64 ram_size, u64 raw_offset,
			u64 *load, u64 *footprint)
{
	struct arm64_image_header h;
	u64 at, need;

	if (size >= sizeof(h)) {
		memcpy(&h, image, sizeof(h));
	} else {
		memset(&h, 0, sizeof(h));
	}
	if (h.magic == ARM64_IMAGE_MAGIC) {
		/* image_size 0 means a pre-3.17 kernel: text_offset 0x80000 is implied. */
		u64 text_offset = h.image_size ? h.text_offset : 0x80000;

		at = ALIGN_UP(ram, SZ_2M) + text_offset;
		need = MAX(h.image_size, size);
	} else {
		at = ram + raw_offset;
		need = size;
	}
	if (at < ram || at - ram >= ram_size || need > ram_size - (at - ram))
		return -E2BIG;
	*load = at;
	*footprint = ALIGN_UP(need, PAGE_SIZE);
	return 0;
}

/* The guest DTB is built here, then copied into the VM's RAM. */
static u8 fdt_buf[GUEST_FDT_MAX_SIZE] __aligned(8);
static spinlock_t fdt_lock = SPINLOCK_INIT;	/* two VMs may reset at once */

static int build_dtb(struct vm *vm, u64 initrd, u64 initrd_size, u32 *size)
{
	const struct vm_config *c = vm->cfg;
	struct guest_fdt_dev devs[CONFIG_MAX_PASSTHROUGH];
	u64 mpidr[CONFIG_MAX_VCPUS];
	struct guest_fdt_params p = {
		.mem_base = ipa_addr(vm->ram_ipa),
		.mem_size = vm->ram_size,
		.nr_vcpus = vm->nr_vcpus,
		.mpidr = mpidr,
		.gicd_base = GUEST_GICD_BASE,
		.gicd_size = GUEST_GICD_SIZE,
		.gicr_base = GUEST_GICR_BASE,
		.gicr_stride = GUEST_GICR_STRIDE,
		/* The virtual GIC's numbers: the guest's hardware, not the machine's. */
		.gic_maint_intid = GUEST_GIC_MAINT_INTID,
		.timer_sec_intid = GUEST_PTIMER_SEC_INTID,
		.timer_ns_intid = GUEST_PTIMER_INTID,
		.timer_virt_intid = GUEST_VTIMER_INTID,
		.timer_hyp_intid = GUEST_HTIMER_INTID,
		.pmu_intid = pmu_offered() ? GUEST_PMU_INTID : 0,
		.uart_base = GUEST_UART_BASE,
		.uart_size = GUEST_UART_SIZE,
		.uart_intid = GUEST_UART_INTID,
		.bootargs = c->bootargs,
		.initrd_start = initrd,
		.initrd_size = initrd_size,
		.devs = devs,
		.nr_devs = c->nr_pt,
	};
	int ret;

	for (u32 i = 0; i < vm->nr_vcpus; i++)
		mpidr[i] = vm->vcpus[i].vmpidr;
	for (u32 i = 0; i < c->nr_pt; i++)
		devs[i] = (struct guest_fdt_dev){ NULL, NULL, c->pt[i].base, c->pt[i].size,
						  c->pt[i].intid };
	ret = c->host ? host_fdt(fdt_buf, sizeof(fdt_buf), vm, initrd, initrd_size)
		      : guest_fdt_build(fdt_buf, sizeof(fdt_buf), &p);
	if (!ret)
		*size = fdt_totalsize(fdt_buf);
	return ret;
}

/*
 * Layout in guest RAM: the kernel where its header says; the DTB in the
 * last 2 MiB block (the boot protocol wants it in a 2 MiB region of its
 * own); the initrd just below it.
 */
int loader_load(struct vm *vm, struct loaded_image *out)
{
	const struct vm_config *c = vm->cfg;
	u64 load, footprint, dtb, initrd = 0, ram_end = ipa_addr(vm->ram_ipa) + vm->ram_size;
	u32 dtb_size;
	int ret;

	ret = loader_place_kernel(c->kernel, c->kernel_size, ipa_addr(vm->ram_ipa), vm->ram_size,
				  c->kernel_offset, &load, &footprint);
	if (ret) {
		log_err("VM '%s': kernel (%u bytes) does not fit in its %llu MiB of memory", vm->name,
			c->kernel_size, (unsigned long long)(vm->ram_size >> 20));
		return ret;
	}
	if (vm->ram_size < GUEST_FDT_MAX_SIZE)
		return -E2BIG;
	dtb = ALIGN_DOWN(ram_end - 1, SZ_2M);
	if (dtb < load + footprint || ram_end - dtb < GUEST_FDT_MAX_SIZE)
		dtb = ALIGN_DOWN(ram_end - GUEST_FDT_MAX_SIZE, 8);
	if (c->initrd) {
		initrd = ALIGN_DOWN(dtb - c->initrd_size, PAGE_SIZE);
		if (dtb < c->initrd_size || initrd < load + footprint) {
			log_err("VM '%s': kernel and initrd (%u bytes) do not fit in its %llu MiB of memory",
				vm->name, c->initrd_size, (unsigned long long)(vm->ram_size >> 20));
			return -E2BIG;
		}
	}
	if (dtb < load + footprint) {
		log_err("VM '%s': no room for the device tree above the kernel", vm->name);
		return -E2BIG;
	}
	spin_lock(&fdt_lock);
	ret = build_dtb(vm, initrd, c->initrd ? c->initrd_size : 0, &dtb_size);
	if (!ret && !vm_ipa_in_ram(vm, ipa_init(dtb), dtb_size))
		ret = -E2BIG;
	if (ret) {
		spin_unlock(&fdt_lock);
		log_err("VM '%s': cannot build its device tree: %s", vm->name, err_name(ret));
		return ret;
	}
	memcpy(vm_ram_ptr(vm, ipa_init(dtb)), fdt_buf, dtb_size);
	spin_unlock(&fdt_lock);
	memcpy(vm_ram_ptr(vm, ipa_init(load)), c->kernel, c->kernel_size);
	if (c->initrd)
		memcpy(vm_ram_ptr(vm, ipa_init(initrd)), c->initrd, c->initrd_size);
	out->entry = load;
	out->kernel_size = c->kernel_size;
	out->dtb_ipa = dtb;
	out->arm64_image = loader_is_arm64_image(c->kernel, c->kernel_size);
	return 0;
}

bool loader_is_arm64_image(const void *image, u64 size)
{
	struct arm64_image_header h;

	if (size < sizeof(h))
		return false;
	memcpy(&h, image, sizeof(h));
	return h.magic == ARM64_IMAGE_MAGIC;
}
