// SPDX-License-Identifier: MIT
/*
 * One thread per vCPU, each looping on MOAT_RUN. moat and the module
 * handle interrupts, WFI and vCPUs that are off; what comes back here is
 * an MMIO access to a device of ours or a system event, which ends the VM.
 * Ending: the first system event (or fatal error) sets v->stopping and the
 * main thread kicks every vCPU thread with SIGUSR1 until it has left
 * MOAT_RUN (-EINTR); a kick can land just before a thread enters
 * MOAT_RUN, so it is repeated rather than sent once.
 */
#include "vmm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <moat_ioctl.h>
#include <moat/hypercall.h>

struct vcpu {
	struct vmm *v;
	unsigned int id;
	volatile int done;
};

static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

static void vmm_stop(struct vmm *v, int status)
{
	pthread_mutex_lock(&stop_lock);
	if (!v->stopping) {
		v->exit_status = status;
		v->stopping = 1;
	}
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
	/* The console reader may wait for FIFO room that will never come. */
	pthread_mutex_lock(&v->uart_lock);
	pthread_cond_broadcast(&v->uart_room);
	pthread_mutex_unlock(&v->uart_lock);
}

void vmm_irq_line(struct vmm *v, unsigned int spi, bool level)
{
	struct moat_irq_line l = { .intid = VMM_SPI_INTID(spi), .level = level };
	static unsigned int complaints;

	if (ioctl(v->vm_fd, MOAT_IRQ_LINE, &l) && complaints++ < 10)
		fprintf(stderr, "moat-vmm: MOAT_IRQ_LINE intid %u level %u: %s\n", l.intid, l.level,
			strerror(errno));
}

int vmm_mmio(struct vmm *v, uint64_t addr, unsigned int len, bool is_write, uint64_t *data)
{
	static unsigned int complaints;

	if (addr >= VMM_UART_BASE && addr - VMM_UART_BASE < VPL011_MMIO_SIZE)
		return vmm_uart_access(v, addr - VMM_UART_BASE, len, is_write, data);
	if (v->has_blk && addr >= VMM_VIRTIO_BASE && addr - VMM_VIRTIO_BASE < VIRTIO_MMIO_SIZE) {
		pthread_mutex_lock(&v->blk_lock);
		if (is_write)
			virtio_blk_write(&v->blk, addr - VMM_VIRTIO_BASE, len, *data);
		else
			*data = virtio_blk_read(&v->blk, addr - VMM_VIRTIO_BASE, len);
		if (virtio_blk_irq_level(&v->blk) != v->blk_line) {
			v->blk_line = !v->blk_line;
			vmm_irq_line(v, VMM_VIRTIO_SPI, v->blk_line);
		}
		pthread_mutex_unlock(&v->blk_lock);
		return 0;
	}
	/* Nothing there: reads as zero, writes ignored, as an unclaimed bus would. */
	if (!is_write)
		*data = 0;
	if (complaints++ < 10)
		fprintf(stderr, "moat-vmm: guest %s of %u bytes at 0x%llx: no device there\n",
			is_write ? "write" : "read", len, (unsigned long long)addr);
	return -ENODEV;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct vmm *v = c->v;
	struct moat_vcpu_run run;

	memset(&run, 0, sizeof(run));
	run.vcpu = c->id;
	while (!v->stopping) {
		if (ioctl(v->vm_fd, MOAT_RUN, &run)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "moat-vmm: vCPU %u: MOAT_RUN: %s\n", c->id, strerror(errno));
			vmm_stop(v, VMM_EXIT_ERROR);
			break;
		}
		switch (run.reason) {
		case MOAT_EXIT_MMIO: {
			uint64_t data = run.mmio.data;
			unsigned int len = run.mmio.len;

			if (len != 1 && len != 2 && len != 4 && len != 8) {
				fprintf(stderr, "moat-vmm: vCPU %u: MMIO exit with length %u\n", c->id, len);
				vmm_stop(v, VMM_EXIT_ERROR);
				break;
			}
			vmm_mmio(v, run.mmio.addr, len, run.mmio.is_write, &data);
			if (!run.mmio.is_write)
				run.mmio.data = len == 8 ? data : data & ((1ULL << (8 * len)) - 1);
			break;
		}
		case MOAT_EXIT_SYSTEM_EVENT:
			if (run.system_event.type == MOAT_SYSTEM_OFF) {
				vmm_stop(v, VMM_EXIT_OFF);
			} else {
				fprintf(stderr, "moat-vmm: the guest asked for a reset; not restarting it\n");
				vmm_stop(v, VMM_EXIT_RESET);
			}
			break;
		default:
			fprintf(stderr, "moat-vmm: vCPU %u: unknown exit reason %u\n", c->id, run.reason);
			vmm_stop(v, VMM_EXIT_ERROR);
			break;
		}
	}
	c->done = 1;
	return NULL;
}

static void kick(int sig)
{
	(void)sig;	/* only there to make MOAT_RUN return -EINTR */
}

int vmm_run_vcpus(struct vmm *v)
{
	struct vcpu *c = calloc(v->opt.cpus, sizeof(*c));
	pthread_t *t = calloc(v->opt.cpus, sizeof(*t));
	struct sigaction sa;
	unsigned int started = 0;

	if (!c || !t) {
		fprintf(stderr, "moat-vmm: out of memory\n");
		return -ENOMEM;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick;	/* no SA_RESTART: the ioctl must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	for (unsigned int i = 0; i < v->opt.cpus; i++) {
		c[i] = (struct vcpu){ .v = v, .id = i };
		if (pthread_create(&t[i], NULL, vcpu_thread, &c[i])) {
			fprintf(stderr, "moat-vmm: cannot start the thread of vCPU %u\n", i);
			vmm_stop(v, VMM_EXIT_ERROR);
			break;
		}
		started++;
	}
	pthread_mutex_lock(&stop_lock);
	while (!v->stopping)
		pthread_cond_wait(&stop_cond, &stop_lock);
	pthread_mutex_unlock(&stop_lock);
	for (;;) {
		unsigned int left = 0;
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		for (unsigned int i = 0; i < started; i++) {
			if (!c[i].done) {
				pthread_kill(t[i], SIGUSR1);
				left++;
			}
		}
		if (!left)
			break;
		nanosleep(&ts, NULL);
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(c);
	free(t);
	return 0;
}
