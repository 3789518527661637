// SPDX-License-Identifier: MIT
#include "core/loader.h"
#include "core/vm.h"
#include "lib/err.h"
#include "lib/log.h"
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

int loader_load(struct vm *vm, struct loaded_image *out)
{
	const struct vm_config *c = vm->cfg;
	u64 load, footprint;
	int ret;

	ret = loader_place_kernel(c->kernel, c->kernel_size, vm->ram_ipa, vm->ram_size,
				  c->kernel_offset, &load, &footprint);
	if (ret) {
		log_err("VM '%s': kernel (%u bytes) does not fit in its %llu MiB of memory", vm->name,
			c->kernel_size, (unsigned long long)(vm->ram_size >> 20));
		return ret;
	}
	memcpy(vm_ram_ptr(vm, load), c->kernel, c->kernel_size);
	out->entry = load;
	out->dtb_ipa = 0;
	return 0;
}
