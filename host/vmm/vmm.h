/* SPDX-License-Identifier: MIT */
/* moat-vmm: one VM, its devices and its vCPU threads (docs/hosted.md). */
#ifndef VMM_VMM_H
#define VMM_VMM_H
#include <pthread.h>
#include <stdint.h>
#include <stdbool.h>

#include "guest_mem.h"
#include "options.h"
#include "emul/vpl011.h"
#include "virtio_blk.h"

/* The guest's devices, outside RAM and clear of the GIC moat emulates. */
#define VMM_UART_BASE		0x09000000ULL
#define VMM_UART_SPI		1		/* INTID 33, as on QEMU's virt machine */
#define VMM_VIRTIO_BASE		0x0a000000ULL
#define VMM_VIRTIO_SPI		16		/* INTID 48 */
#define VMM_SPI_INTID(spi)	(32 + (spi))

/* What vmm_exit_status() gives for each end (docs/hosted.md). */
#define VMM_EXIT_OFF		0	/* PSCI SYSTEM_OFF */
#define VMM_EXIT_ERROR		1	/* moat-vmm could not run the guest */
#define VMM_EXIT_RESET		2	/* PSCI SYSTEM_RESET: not restarted */

struct vmm {
	struct vmm_options opt;
	int moat_fd, vm_fd;
	struct guest_mem mem;
	uint64_t kernel_entry, kernel_end, dtb_ipa, initrd_ipa, initrd_size;

	pthread_mutex_t uart_lock;
	pthread_cond_t uart_room;	/* the guest touched the UART: maybe room for input */
	struct vpl011 uart;

	pthread_mutex_t blk_lock;
	struct virtio_blk blk;
	bool has_blk, blk_line;

	pthread_t *threads;
	volatile int stopping;		/* set once: a system event or a fatal error */
	int exit_status;
};

int vmm_load_images(struct vmm *v);
/* Make the loaded kernel, initrd and device tree (dtb_len bytes) visible to a guest whose MMU is off. */
void vmm_images_to_memory(const struct vmm *v, uint64_t dtb_len);
int vmm_build_fdt(struct vmm *v, void *buf, unsigned int size);
void vmm_console_start(struct vmm *v);
void vmm_console_stop(void);
void vmm_console_init(struct vmm *v);
int vmm_uart_access(struct vmm *v, uint64_t off, unsigned int len, bool is_write, uint64_t *data);
int vmm_mmio(struct vmm *v, uint64_t addr, unsigned int len, bool is_write, uint64_t *data);
int vmm_run_vcpus(struct vmm *v);
void vmm_irq_line(struct vmm *v, unsigned int spi, bool level);
int vmm_selftest(struct vmm *v);
#endif
