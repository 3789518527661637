/* SPDX-License-Identifier: MIT */
/*
 * /dev/moat: the interface between moat.ko and userspace (moat-vmm).
 * docs/hosted.md. Shaped like KVM's: /dev/moat creates a VM and returns
 * its file descriptor; the VM's ioctls act on it; closing the last
 * descriptor destroys the VM. Every argument is checked by the module,
 * then again by moat.
 */
#ifndef MOAT_IOCTL_H
#define MOAT_IOCTL_H
#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <sys/ioctl.h>
#include <linux/types.h>
#endif

#define MOAT_IOCTL			0xB7

/* On /dev/moat. */
/* Returns the moat host ABI version (include/moat/hypercall.h). */
#define MOAT_GET_VERSION		_IO(MOAT_IOCTL, 0x00)

struct moat_vm_create {
	__u32 flags;		/* MOAT_VM_PROTECTED */
	__u32 nr_vcpus;		/* 1..MOAT_VM_MAX_VCPUS */
	__u32 ipa_bits;		/* MOAT_VM_MIN_IPA_BITS..MOAT_VM_MAX_IPA_BITS */
	__u32 pad;		/* 0 */
	__u64 mem_size;		/* the most RAM the VM will get (sizes the donation) */
};
/* Returns a new VM file descriptor. */
#define MOAT_CREATE_VM			_IOW(MOAT_IOCTL, 0x01, struct moat_vm_create)

/* Run the ownership checker (0, or -EIO when it fails). */
#define MOAT_CHECK			_IO(MOAT_IOCTL, 0x07)

struct moat_stats {
	__u64 free_pages;	/* moat's pool */
	__u64 host_pages;	/* pages the host owns */
	__u64 vms;		/* hosted VMs alive */
};
#define MOAT_GET_STATS			_IOR(MOAT_IOCTL, 0x08, struct moat_stats)

/* On a VM file descriptor. */
struct moat_memory {
	__u64 guest_ipa;	/* page aligned */
	__u64 userspace_addr;	/* page aligned, the caller's anonymous memory */
	__u64 size;		/* page multiple */
};
/* Pin the pages and map them into the VM; a protected VM's leave the host. */
#define MOAT_ADD_MEMORY			_IOW(MOAT_IOCTL, 0x02, struct moat_memory)

struct moat_vcpu_init {
	__u32 vcpu;		/* 0..nr_vcpus-1 */
	__u32 pad;
	__u64 pc;		/* where vCPU 0 starts; the others wait for PSCI CPU_ON */
	__u64 x0;
};
#define MOAT_CREATE_VCPU		_IOW(MOAT_IOCTL, 0x03, struct moat_vcpu_init)

/*
 * Run a vCPU until the VMM has something to do. Interrupts, WFI and a
 * vCPU that is off are handled in the kernel (the thread sleeps); returns
 * 0 with reason MOAT_EXIT_MMIO or MOAT_EXIT_SYSTEM_EVENT, or -EINTR when a
 * signal is pending. For an MMIO read, put the value in mmio.data before
 * the next MOAT_RUN of this vCPU. -EBUSY if the vCPU is already running.
 */
struct moat_vcpu_run {
	__u32 vcpu;
	__u32 reason;		/* out: MOAT_EXIT_MMIO or MOAT_EXIT_SYSTEM_EVENT */
	union {
		struct {
			__u64 addr;
			__u64 data;	/* write: out; read: in, on the next MOAT_RUN */
			__u32 len;
			__u32 is_write;
		} mmio;
		struct {
			__u32 type;	/* MOAT_SYSTEM_OFF or MOAT_SYSTEM_RESET */
		} system_event;
		__u64 pad[4];
	};
};
#define MOAT_RUN			_IOWR(MOAT_IOCTL, 0x04, struct moat_vcpu_run)

struct moat_irq_line {
	__u32 intid;		/* SPI: 32..32+MOAT_HOSTED_NR_SPIS-1 */
	__u32 level;		/* 0 or 1 */
};
#define MOAT_IRQ_LINE			_IOW(MOAT_IOCTL, 0x05, struct moat_irq_line)

/* Destroy the VM now (no vCPU may be running); the fd then answers -ENODEV. */
#define MOAT_DESTROY_VM			_IO(MOAT_IOCTL, 0x06)
#endif
