// SPDX-License-Identifier: MIT
/*
 * Loading the guest's images into its RAM (through the VMM's mapping,
 * before a protected VM's RAM leaves the host). The arm64 boot protocol
 * (Linux's Documentation/arch/arm64/booting.rst): the Image at a 2 MiB
 * aligned base + text_offset with image_size bytes free from there, the
 * DTB 8-byte aligned in its own 2 MiB, the initrd anywhere in RAM.
 */
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARM64_IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" */

struct arm64_image_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2, res3, res4;
	uint32_t magic;
	uint32_t res5;
};

/* Read the whole file at path into [ipa, ipa + room): its size, or -errno after one line. */
static int64_t load_file(struct vmm *v, const char *what, const char *path, uint64_t ipa, uint64_t room)
{
	struct stat st;
	uint8_t *dst;
	uint64_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "moat-vmm: %s %s: %s\n", what, path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "moat-vmm: %s %s: not a non-empty regular file\n", what, path);
		close(fd);
		return -EINVAL;
	}
	dst = guest_mem_ptr(&v->mem, ipa, (uint64_t)st.st_size);
	if (!dst || (uint64_t)st.st_size > room) {
		fprintf(stderr, "moat-vmm: %s %s (%lld bytes) does not fit in the guest's RAM; give more --mem\n",
			what, path, (long long)st.st_size);
		close(fd);
		return -E2BIG;
	}
	while (done < (uint64_t)st.st_size) {
		ssize_t r = pread(fd, dst + done, (uint64_t)st.st_size - done, (off_t)done);

		if (r <= 0) {
			fprintf(stderr, "moat-vmm: %s %s: read failed: %s\n", what, path,
				r ? strerror(errno) : "file shrank");
			close(fd);
			return -EIO;
		}
		done += (uint64_t)r;
	}
	close(fd);
	return (int64_t)done;
}

int vmm_load_images(struct vmm *v)
{
	struct arm64_image_header h;
	uint64_t ram_end = v->mem.ipa + v->mem.size;
	uint64_t kernel_end, kernel_room;
	int64_t n;

	/* The DTB gets the last 2 MiB of RAM to itself. */
	v->dtb_ipa = ram_end - SZ_2M;
	v->kernel_entry = v->mem.ipa;
	kernel_room = v->dtb_ipa - v->mem.ipa;
	n = load_file(v, "--kernel", v->opt.kernel, v->mem.ipa, kernel_room);
	if (n < 0)
		return (int)n;
	memcpy(&h, guest_mem_ptr(&v->mem, v->mem.ipa, sizeof(h)), sizeof(h));
	if ((uint64_t)n < sizeof(h) || h.magic != ARM64_IMAGE_MAGIC) {
		fprintf(stderr, "moat-vmm: --kernel %s: not an arm64 Image (no ARM\\x64 magic); "
			"give an uncompressed Image\n", v->opt.kernel);
		return -EINVAL;
	}
	/* image_size 0: a kernel older than 3.17, whose text_offset is 0x80000 whatever it says. */
	if (h.image_size == 0)
		h.text_offset = 0x80000;
	if (h.text_offset >= SZ_2M || h.text_offset % 4096) {
		fprintf(stderr, "moat-vmm: --kernel %s: text_offset 0x%llx is not usable\n", v->opt.kernel,
			(unsigned long long)h.text_offset);
		return -EINVAL;
	}
	if (h.text_offset) {
		uint8_t *base = guest_mem_ptr(&v->mem, v->mem.ipa, (uint64_t)n + h.text_offset);

		if (!base || (uint64_t)n + h.text_offset > kernel_room) {
			fprintf(stderr, "moat-vmm: --kernel %s does not fit; give more --mem\n", v->opt.kernel);
			return -E2BIG;
		}
		memmove(base + h.text_offset, base, (size_t)n);
		memset(base, 0, h.text_offset);
	}
	v->kernel_entry = v->mem.ipa + h.text_offset;
	kernel_end = v->kernel_entry + (h.image_size > (uint64_t)n ? h.image_size : (uint64_t)n);
	v->kernel_end = v->kernel_entry + (uint64_t)n;
	if (kernel_end > v->dtb_ipa) {
		fprintf(stderr, "moat-vmm: --kernel %s needs %llu MiB; give more --mem\n", v->opt.kernel,
			(unsigned long long)((kernel_end - v->mem.ipa) >> 20) + 3);
		return -E2BIG;
	}
	if (v->opt.initrd) {
		struct stat st;

		/* Placed right below the DTB, page aligned, clear of the kernel's image_size. */
		if (stat(v->opt.initrd, &st)) {
			fprintf(stderr, "moat-vmm: --initrd %s: %s\n", v->opt.initrd, strerror(errno));
			return -errno;
		}
		if ((uint64_t)st.st_size > v->dtb_ipa - kernel_end) {
			fprintf(stderr, "moat-vmm: --initrd %s does not fit beside the kernel; give more --mem\n",
				v->opt.initrd);
			return -E2BIG;
		}
		v->initrd_ipa = (v->dtb_ipa - (uint64_t)st.st_size) & ~0xfffULL;
		if (v->initrd_ipa < kernel_end) {
			fprintf(stderr, "moat-vmm: --initrd %s does not fit beside the kernel; give more --mem\n",
				v->opt.initrd);
			return -E2BIG;
		}
		n = load_file(v, "--initrd", v->opt.initrd, v->initrd_ipa, v->dtb_ipa - v->initrd_ipa);
		if (n < 0)
			return (int)n;
		v->initrd_size = (uint64_t)n;
	}
	return 0;
}

/*
 * The guest starts with its MMU off, so its first fetches and loads do not
 * look in the caches: what the VMM wrote through its cacheable mapping must
 * reach memory (DC CVAC: allowed at EL0, Linux sets SCTLR_EL1.UCI), and no
 * stale instruction may stay for the kernel's code (IC IVAU, in
 * __builtin___clear_cache). moat does this itself for the VMs it loads
 * (vm_memory_sync); a hosted VM's images are the VMM's to publish. QEMU
 * models no caches: only real hardware would show the difference.
 */
static void to_memory(const struct vmm *v, uint64_t ipa, uint64_t len, bool code)
{
	uint8_t *p = guest_mem_ptr(&v->mem, ipa, len);

	if (!p)
		return;
#if defined(__aarch64__)	/* the unit tests build this file for the build machine */
	uint64_t ctr, line;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = 4ULL << ((ctr >> 16) & 0xf);	/* DminLine: log2 of words */
	for (uintptr_t a = (uintptr_t)p & ~(line - 1); a < (uintptr_t)p + len; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish" : : : "memory");
#endif
	if (code)
		__builtin___clear_cache((char *)p, (char *)p + len);
}

void vmm_images_to_memory(const struct vmm *v, uint64_t dtb_len)
{
	to_memory(v, v->kernel_entry, v->kernel_end - v->kernel_entry, true);
	if (v->initrd_size)
		to_memory(v, v->initrd_ipa, v->initrd_size, false);
	to_memory(v, v->dtb_ipa, dtb_len, false);
}
