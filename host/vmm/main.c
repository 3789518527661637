// SPDX-License-Identifier: MIT
/*
 * moat-vmm: run one guest under moat from the host (docs/hosted.md). The
 * order matters for a protected VM: everything the guest boots from is
 * written into its RAM before MOAT_ADD_MEMORY, after which the host can no
 * longer touch those pages.
 */
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <moat_ioctl.h>
#include <moat/hypercall.h>

#define FDT_MAX		0x10000

static int check_readable(const char *what, const char *path)
{
	struct stat st;

	if (!path)
		return 0;
	if (stat(path, &st) || access(path, R_OK)) {
		fprintf(stderr, "moat-vmm: %s %s: %s\n", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "moat-vmm: %s %s: not a regular file\n", what, path);
		return -1;
	}
	return 0;
}

static int open_moat(void)
{
	int fd = open("/dev/moat", O_RDWR | O_CLOEXEC);
	int ver;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			fprintf(stderr, "moat-vmm: /dev/moat: %s: moat.ko is not loaded "
				"(insmod moat.ko on a host running under moat)\n", strerror(errno));
		else
			fprintf(stderr, "moat-vmm: /dev/moat: %s\n", strerror(errno));
		return -1;
	}
	ver = ioctl(fd, MOAT_GET_VERSION);
	if (ver != MOAT_HOST_ABI_VERSION) {
		fprintf(stderr, "moat-vmm: /dev/moat speaks ABI %d, moat-vmm %d: rebuild them together\n",
			ver, MOAT_HOST_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

/* Anonymous RAM, 2 MiB aligned so that moat can map it with 2 MiB blocks. */
static uint8_t *map_ram(uint64_t size)
{
	uint8_t *p = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((uint8_t *)a + size, (uintptr_t)p + SZ_2M - a);
	madvise((void *)a, size, MADV_HUGEPAGE);
	return (uint8_t *)a;
}

static unsigned int ipa_bits_for(uint64_t end)
{
	unsigned int bits = MOAT_VM_MIN_IPA_BITS;

	while (bits < MOAT_VM_MAX_IPA_BITS && (1ULL << bits) < end)
		bits++;
	return bits;
}

static int create_vm(struct vmm *v)
{
	struct moat_vm_create c = {
		.flags = v->opt.protected_vm ? MOAT_VM_PROTECTED : 0,
		.nr_vcpus = v->opt.cpus,
		.ipa_bits = ipa_bits_for(v->mem.ipa + v->mem.size),
		.mem_size = v->mem.size,
	};
	struct moat_memory m = { .guest_ipa = v->mem.ipa, .userspace_addr = (uintptr_t)v->mem.host,
				 .size = v->mem.size };

	v->vm_fd = ioctl(v->moat_fd, MOAT_CREATE_VM, &c);
	if (v->vm_fd < 0) {
		fprintf(stderr, "moat-vmm: MOAT_CREATE_VM (%u vCPUs, %llu MiB%s): %s\n", c.nr_vcpus,
			(unsigned long long)(v->mem.size >> 20), v->opt.protected_vm ? ", protected" : "",
			strerror(errno));
		return -1;
	}
	if (ioctl(v->vm_fd, MOAT_ADD_MEMORY, &m)) {
		fprintf(stderr, "moat-vmm: MOAT_ADD_MEMORY (%llu MiB at IPA 0x%llx): %s\n",
			(unsigned long long)(m.size >> 20), (unsigned long long)m.guest_ipa, strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; i < v->opt.cpus; i++) {
		/* vCPU 0 enters the kernel with x0 = the DTB; the others wait for PSCI CPU_ON. */
		struct moat_vcpu_init vi = { .vcpu = i, .pc = i ? 0 : v->kernel_entry, .x0 = i ? 0 : v->dtb_ipa };

		if (ioctl(v->vm_fd, MOAT_CREATE_VCPU, &vi)) {
			fprintf(stderr, "moat-vmm: MOAT_CREATE_VCPU %u: %s\n", i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char *argv[])
{
	static struct vmm vm;
	struct vmm *v = &vm;
	char err[512];
	int r, disk_fd = -1;

	r = vmm_parse_options(argc, argv, &v->opt, err, sizeof(err));
	if (r) {
		fprintf(r > 0 ? stdout : stderr, "%s\n", err);
		return r > 0 ? 0 : VMM_EXIT_ERROR;
	}
	if (check_readable("--kernel", v->opt.kernel) || check_readable("--initrd", v->opt.initrd))
		return VMM_EXIT_ERROR;
	if (v->opt.selftest && access(v->opt.selftest, F_OK) == 0 && access(v->opt.selftest, W_OK)) {
		fprintf(stderr, "moat-vmm: --selftest %s: not writable\n", v->opt.selftest);
		return VMM_EXIT_ERROR;
	}
	if (v->opt.disk) {
		struct stat st;

		disk_fd = open(v->opt.disk, O_RDWR | O_CLOEXEC);
		if (disk_fd < 0 || fstat(disk_fd, &st)) {
			fprintf(stderr, "moat-vmm: --disk %s: %s\n", v->opt.disk, strerror(errno));
			return VMM_EXIT_ERROR;
		}
		if (!S_ISREG(st.st_mode) || st.st_size < 512) {
			fprintf(stderr, "moat-vmm: --disk %s: give a regular file of at least 512 bytes\n",
				v->opt.disk);
			return VMM_EXIT_ERROR;
		}
		v->has_blk = true;
		virtio_blk_init(&v->blk, &v->mem, disk_fd, (uint64_t)st.st_size);
	}
	v->moat_fd = open_moat();
	if (v->moat_fd < 0)
		return VMM_EXIT_ERROR;

	v->mem.ipa = GUEST_RAM_BASE;
	v->mem.size = v->opt.mem;
	v->mem.host = map_ram(v->mem.size);
	if (!v->mem.host) {
		fprintf(stderr, "moat-vmm: cannot map %llu MiB of guest RAM: %s\n",
			(unsigned long long)(v->mem.size >> 20), strerror(errno));
		return VMM_EXIT_ERROR;
	}
	if (vmm_load_images(v) ||
	    vmm_build_fdt(v, guest_mem_ptr(&v->mem, v->dtb_ipa, FDT_MAX), FDT_MAX))
		return VMM_EXIT_ERROR;
	vmm_images_to_memory(v, FDT_MAX);
	if (create_vm(v))
		return VMM_EXIT_ERROR;

	pthread_mutex_init(&v->blk_lock, NULL);
	vmm_console_init(v);
	vmm_console_start(v);
	if (vmm_run_vcpus(v))
		return VMM_EXIT_ERROR;
	vmm_console_stop();
	if (v->opt.selftest)
		vmm_selftest(v);
	else if (ioctl(v->vm_fd, MOAT_DESTROY_VM))
		fprintf(stderr, "moat-vmm: MOAT_DESTROY_VM: %s\n", strerror(errno));
	return v->exit_status;
}
