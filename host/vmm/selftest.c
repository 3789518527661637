// SPDX-License-Identifier: MIT
/*
 * --selftest FILE: after the guest powered off and before the VM is
 * destroyed, check from the host side what a protected VM promises, and
 * write the findings as key=value lines to FILE (a channel the guest
 * cannot write; tests/linux/hosted_test.py reads it):
 *   protected      1 or 0
 *   map_probes     pages of the VMM's own mapping read (one per 2 MiB)
 *   map_sigbus     of them, reads that got SIGBUS
 *   devmem_pa      the physical address of the guest's first RAM page
 *   devmem         sigbus, readable or "refused <errno>" for a read through /dev/mem
 *   pattern_before copies of the guest's secret in RAM before destroy (-1: unreadable)
 *   destroy        ok or the MOAT_DESTROY_VM error
 *   after_sigbus   SIGBUS reads of the mapping after destroy
 *   pattern_after  copies of the secret in the pages the host got back
 * The secret is what the guest's /init writes: "moat-secret" rot13'd, so
 * the text in the initramfs is not itself a copy.
 */
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <moat_ioctl.h>

#define SECRET		"zbng-frperg-"
#define PAGE		4096ULL

static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probing;

static void on_sigbus(int sig)
{
	if (probing)
		siglongjmp(probe_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read one byte at p: 0 if it read, 1 on SIGBUS (or SIGSEGV). */
static int probe(const volatile uint8_t *p)
{
	volatile uint8_t sink;

	if (sigsetjmp(probe_jmp, 1)) {
		probing = 0;
		return 1;
	}
	probing = 1;
	sink = *p;
	(void)sink;
	probing = 0;
	return 0;
}

static unsigned int probe_mapping(struct vmm *v, unsigned int *probes)
{
	unsigned int bad = 0;

	*probes = 0;
	for (uint64_t off = 0; off < v->mem.size; off += SZ_2M) {
		bad += (unsigned int)probe(v->mem.host + off);
		(*probes)++;
	}
	return bad;
}

static long count_secret(struct vmm *v)
{
	const uint8_t *p = v->mem.host, *end = v->mem.host + v->mem.size;
	long n = 0;

	while ((p = memmem(p, (size_t)(end - p), SECRET, sizeof(SECRET) - 1))) {
		n++;
		p += sizeof(SECRET) - 1;
	}
	return n;
}

/* The physical address behind the VMM's page at p, from /proc/self/pagemap (0: unknown). */
static uint64_t phys_of(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)p / PAGE * 8)) != sizeof(e))
		e = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: the frame (0 unless root). */
	if (!(e >> 63))
		return 0;
	return (e & ((1ULL << 55) - 1)) * PAGE;
}

static void devmem_probe(FILE *out, uint64_t pa)
{
	int fd;
	void *m;

	fprintf(out, "devmem_pa=0x%llx\n", (unsigned long long)pa);
	if (!pa) {
		fprintf(out, "devmem=refused no-pagemap\n");
		return;
	}
	/* mmap, never read(): a read() would make the kernel itself take the abort. */
	fd = open("/dev/mem", O_RDONLY | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(out, "devmem=refused %s\n", strerror(errno));
		return;
	}
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)pa);
	close(fd);
	if (m == MAP_FAILED) {
		fprintf(out, "devmem=refused %s\n", strerror(errno));
		return;
	}
	fprintf(out, "devmem=%s\n", probe(m) ? "sigbus" : "readable");
	munmap(m, PAGE);
}

int vmm_selftest(struct vmm *v)
{
	struct sigaction sa;
	unsigned int probes, bad;
	FILE *out = fopen(v->opt.selftest, "w");

	if (!out) {
		fprintf(stderr, "moat-vmm: --selftest %s: %s\n", v->opt.selftest, strerror(errno));
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	fprintf(out, "protected=%d\n", v->opt.protected_vm);
	bad = probe_mapping(v, &probes);
	fprintf(out, "map_probes=%u\nmap_sigbus=%u\n", probes, bad);
	devmem_probe(out, phys_of(v->mem.host));
	fprintf(out, "pattern_before=%ld\n", bad ? -1L : count_secret(v));
	fflush(out);

	if (ioctl(v->vm_fd, MOAT_DESTROY_VM))
		fprintf(out, "destroy=%s\n", strerror(errno));
	else
		fprintf(out, "destroy=ok\n");
	bad = probe_mapping(v, &probes);
	fprintf(out, "after_sigbus=%u\n", bad);
	fprintf(out, "pattern_after=%ld\n", bad ? -1L : count_secret(v));
	fclose(out);
	return 0;
}
