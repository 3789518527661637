/* SPDX-License-Identifier: MIT */
/* A virtual machine: VMID, stage-2 table, RAM, emulated devices, vCPUs. */
#ifndef MOAT_CORE_VM_H
#define MOAT_CORE_VM_H
#include "core/config.h"
#include "core/loader.h"
#include "core/tlbi_trap.h"
#include "core/vcpu.h"
#include "emul/mmio.h"
#include "emul/testdev.h"
#include "emul/vgic.h"
#include "emul/vpl011.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/pgtable.h"
#include <string.h>

struct mem_host;
struct hosted_vm;

#define VM_MAX_VCPUS CONFIG_MAX_VCPUS

struct vm {
	char name[CONFIG_NAME_MAX + 1];
	u16 vmid;
	struct pgtable s2;
	u64 vttbr, vtcr;
	u64 hcr;			/* HCR_EL2 for its vCPUs */
	u64 cntvoff;
	ipa_t ram_ipa;			/* where its RAM starts in its IPA space */
	u64 ram_size;
	paddr_t ram_pa;			/* RAM is one contiguous physical block */
	struct mmio_bus mmio;
	struct testdev testdev;
	struct vpl011 uart;
	struct vgic vgic;
	struct vcpu vcpus[VM_MAX_VCPUS];
	u32 nr_vcpus;
	const struct vm_config *cfg;
	struct loaded_image boot;	/* entry and DTB of the last (re)start */
	struct log_ratelimit log_rl;	/* the VM's own budget for lines it causes */
	volatile bool stopped;
	volatile bool resetting;	/* SYSTEM_RESET in progress: CPU_ON is refused */
	int exit_status;
	spinlock_t lock;
	struct tlbi_vm tlbi;		/* trapped TLBIs (core/tlbi_trap.c) */
	struct mem_host *host;		/* the host VM only: its stage-2 and page owners (core/host.c) */
	/*
	 * A VM the host created at run time (core/hosted.c): its RAM is the
	 * host's pages scattered in PA, so ram_size is 0 (vm_ipa_in_ram() is
	 * false everywhere and nothing reads its RAM through ram_pa).
	 */
	struct hosted_vm *hosted;
};

/*
 * A log line caused by a vCPU's guest: prefixed with the VM and vCPU, and
 * limited per VM, so a guest that floods only silences itself.
 */
#define vcpu_log(v, level, fmt, ...)                                                           \
	log_printf_ratelimited(&(v)->vm->log_rl, level, "%s: vCPU %u: " fmt, (v)->vm->name,    \
			       (v)->id, ##__VA_ARGS__)

/**
 * Make what moat wrote into the VM's RAM what its vCPUs see: clean it to
 * PoC, invalidate the instruction caches, drop the VMID's TLB entries.
 */
void vm_memory_sync(struct vm *vm);

/** Build a VM from its configuration: memory, stage-2, devices, images, vCPUs. */
int vm_create(const struct vm_config *cfg, struct vm **out);

/**
 * Fill in a VM the host creates at run time (core/hosted.c): @vm is
 * zeroed with name, cfg, vmid and nr_vcpus set; this adds its traps, its
 * vCPUs (all OFF) and its vGIC at the hosted layout (moat/hypercall.h),
 * the only device on its MMIO bus. Its stage-2 is the caller's.
 */
int vm_init_hosted(struct vm *vm);

/** The first VMID no VM built from the configuration uses. */
u16 vm_first_free_vmid(void);

/** True when [ipa, ipa + len) lies entirely in the VM's RAM. */
static inline bool vm_ipa_in_ram(const struct vm *vm, ipa_t ipa, u64 len)
{
	u64 a = ipa_addr(ipa), base = ipa_addr(vm->ram_ipa);

	return a >= base && len <= vm->ram_size && a - base <= vm->ram_size - len;
}

/** Hypervisor pointer to guest RAM at @ipa (checked with vm_ipa_in_ram first). */
static inline void *vm_ram_ptr(const struct vm *vm, ipa_t ipa)
{
	return (void *)(uintptr_t)(pa_addr(vm->ram_pa) + (ipa_addr(ipa) - ipa_addr(vm->ram_ipa)));
}

/** Copy @len bytes of guest RAM at @ipa; -EFAULT unless all of it is RAM. */
int vm_read_guest(const struct vm *vm, void *dst, ipa_t ipa, u64 len);

/** Stop every vCPU of @vm; when all VMs have stopped, power off. */
void vm_stop(struct vm *vm, int status);
/* vm_stop() status of a VM stopped because its own exception vector faults. */
#define VM_EXIT_FAULT_LOOP	(-2)

/** Zero @vm's exit statistics (Ctrl-\ z, MOAT_HC_EXIT_STATS_RESET); an exit in flight may still add to them. */
static inline void vm_exit_stats_zero(struct vm *vm)
{
	for (u32 c = 0; c < vm->nr_vcpus; c++) {
		struct vcpu *v = &vm->vcpus[c];

		memset(&v->xstats, 0, sizeof(v->xstats));
		WRITE_ONCE(v->ctx.fast_hvc, 0);
		WRITE_ONCE(v->ctx.fast_id, 0);
	}
}

/** Drive the level of SPI @intid of @vm's virtual GIC. */
void vm_set_spi_level(struct vm *vm, u32 intid, bool level);

/** Console input for @vm's UART: 0, or non-zero when it cannot take the byte now. */
int vm_uart_input(struct vm *vm, char c);

/** PSCI SYSTEM_RESET: stop every vCPU, reload the images, start vCPU 0 again. */
void vm_request_reset(struct vm *vm);

/** Every VM (for the console, SGIs...). */
extern struct vm *vms[CONFIG_MAX_VMS];
extern unsigned int nr_vms;
#endif
