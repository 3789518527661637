// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * A VM's file descriptor (docs/hosted.md): memory, vCPUs, runs, interrupt
 * lines, destroy. Every argument is checked here before any hypercall;
 * moat checks them again.
 *
 * Locking: vm->lock (a mutex) guards the VM's state and is never held
 * across a guest run; a vCPU in MOAT_RUN is marked running under it, so
 * destroy can refuse while one runs.
 */
#define pr_fmt(fmt) "moat: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <asm/arch_timer.h>

#include "moat_kmod.h"

/* The guest IPAs moat emulates (GICv3 distributor, redistributors): never RAM. */
#define MOAT_GIC_START	MOAT_HOSTED_GICD_BASE
#define MOAT_GIC_END	(MOAT_HOSTED_GICR_BASE + MOAT_VM_MAX_VCPUS * MOAT_HOSTED_GICR_STRIDE)

/* A range of the VMM's memory mapped into the VM, pinned until destroy. */
struct moat_region {
	struct list_head node;
	u64 ipa;
	unsigned long npages;		/* mapped (and pinned) so far */
	struct page **pages;
};

struct moat_vcpu {
	struct moat_run *run;		/* the run page; NULL until MOAT_CREATE_VCPU */
	bool running;			/* in MOAT_RUN (vm->lock) */
	bool mmio_read;			/* the last exit was an MMIO read: data comes in */
};

struct moat_vm {
	struct mutex lock;
	long handle;			/* moat's */
	bool dead;			/* destroyed: every ioctl is -ENODEV */
	u32 nr_vcpus, ipa_bits, flags;
	u64 mem_size, mem_added;	/* bytes */
	void *donation;
	unsigned long donation_pages;
	u64 *map_list;			/* the page that passes PAs to MOAT_HC_VM_MAP */
	struct list_head regions;
	unsigned int nr_running;
	struct moat_vcpu vcpu[MOAT_VM_MAX_VCPUS];
};

/*
 * Which VM each pinned page backes (by PFN): a page backs at most one VM
 * and one IPA, whatever moat would say about sharing it twice.
 */
static DEFINE_XARRAY(moat_pages);

static void moat_region_release(struct moat_region *reg, unsigned long first, unsigned long n)
{
	unsigned long i;

	for (i = first; i < first + n; i++)
		xa_erase(&moat_pages, page_to_pfn(reg->pages[i]));
	unpin_user_pages_dirty_lock(reg->pages + first, n, true);
}

/*
 * Gives everything back: moat first (it scrubs and returns the VM's RAM
 * and the donation to the host), then the pins and allocations. If moat
 * refuses, the pages may still be the VM's or moat's: they stay pinned and
 * allocated for good rather than return to the allocator.
 */
static int moat_vm_teardown(struct moat_vm *vm)
{
	struct moat_region *reg, *tmp;
	unsigned int i;
	long r;

	r = moat_hvc(MOAT_HC_VM_DESTROY, vm->handle, 0, 0, 0);
	vm->dead = true;
	if (r < 0) {
		pr_err_ratelimited("VM %ld: moat refuses to destroy it (%ld); its %llu bytes of RAM and %lu pages stay pinned\n",
				   vm->handle, r, vm->mem_added, vm->donation_pages);
		return r;
	}
	list_for_each_entry_safe(reg, tmp, &vm->regions, node) {
		moat_region_release(reg, 0, reg->npages);
		list_del(&reg->node);
		kvfree(reg->pages);
		kfree(reg);
	}
	if (vm->donation)
		free_pages_exact(vm->donation, vm->donation_pages << PAGE_SHIFT);
	vm->donation = NULL;
	for (i = 0; i < vm->nr_vcpus; i++) {
		free_page((unsigned long)vm->vcpu[i].run);
		vm->vcpu[i].run = NULL;
	}
	free_page((unsigned long)vm->map_list);
	vm->map_list = NULL;
	return 0;
}

/* Maps one batch (pages[first..first+n)) at ipa; on failure nothing of it stays. */
static long moat_map_batch(struct moat_vm *vm, struct moat_region *reg, unsigned long first,
			   unsigned long n, u64 uaddr)
{
	unsigned long i;
	long got, r;

	got = pin_user_pages_fast(uaddr, n, FOLL_WRITE | FOLL_LONGTERM, reg->pages + first);
	if (got < 0)
		return got;
	if (got < n) {
		unpin_user_pages(reg->pages + first, got);
		return -EFAULT;
	}
	for (i = 0; i < n; i++) {
		r = xa_insert(&moat_pages, page_to_pfn(reg->pages[first + i]), vm, GFP_KERNEL);
		if (r) {
			while (i--)
				xa_erase(&moat_pages, page_to_pfn(reg->pages[first + i]));
			unpin_user_pages(reg->pages + first, n);
			/* -EBUSY: the page already backs a VM's RAM. */
			return r == -EBUSY ? -EACCES : r;
		}
		vm->map_list[i] = page_to_phys(reg->pages[first + i]);
	}
	r = moat_hvc(MOAT_HC_VM_MAP, vm->handle, reg->ipa + ((u64)first << PAGE_SHIFT),
		     virt_to_phys(vm->map_list), n);
	if (r >= 0 && r != n)
		r = -EIO;
	if (r < 0) {
		moat_region_release(reg, first, n);
		return r;
	}
	return 0;
}

/*
 * A protected VM's pages abort when the host kernel touches them, and the
 * kernel would: fork copies pinned anonymous pages at once (an Oops in
 * copy_page, seen), a core dump reads them. So the mappings that hold
 * them are made not to be inherited nor dumped, as madvise(MADV_DONTFORK,
 * MADV_DONTDUMP) would (that is not exported, and 6.1 cannot split a
 * mapping from a module: a mapping reaching beyond the range is marked
 * whole). -EFAULT if part of the range is not mapped.
 */
static int moat_seal_range(u64 start, u64 end)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	u64 addr = start;
	int r = 0;

	mmap_write_lock(mm);
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr) {
			r = -EFAULT;
			break;
		}
		vma->vm_flags |= VM_DONTCOPY | VM_DONTDUMP;
		addr = vma->vm_end;
	}
	mmap_write_unlock(mm);
	return r;
}

static long moat_add_memory(struct moat_vm *vm, const struct moat_memory *m)
{
	unsigned long npages, done, n;
	struct moat_region *reg, *other;
	u64 end, uend;
	long r = 0;

	if (!PAGE_ALIGNED(m->guest_ipa) || !PAGE_ALIGNED(m->userspace_addr) ||
	    !m->size || !PAGE_ALIGNED(m->size))
		return -EINVAL;
	if (check_add_overflow(m->guest_ipa, m->size, &end) || end > BIT_ULL(vm->ipa_bits))
		return -EINVAL;
	if (m->guest_ipa < MOAT_GIC_END && end > MOAT_GIC_START)
		return -EINVAL;
	if (check_add_overflow(m->userspace_addr, m->size, &uend) ||
	    !access_ok((void __user *)(unsigned long)m->userspace_addr, m->size))
		return -EFAULT;
	/* The donation was sized for mem_size at create. */
	if (m->size > vm->mem_size - vm->mem_added)
		return -ENOSPC;
	list_for_each_entry(other, &vm->regions, node)
		if (m->guest_ipa < other->ipa + ((u64)other->npages << PAGE_SHIFT) &&
		    end > other->ipa)
			return -EEXIST;

	if (vm->flags & MOAT_VM_PROTECTED) {
		r = moat_seal_range(m->userspace_addr, uend);
		if (r)
			return r;
	}

	npages = m->size >> PAGE_SHIFT;
	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->ipa = m->guest_ipa;
	reg->pages = kvmalloc_array(npages, sizeof(*reg->pages), GFP_KERNEL);
	if (!reg->pages) {
		kfree(reg);
		return -ENOMEM;
	}
	/* Batch by batch; a failure keeps what was mapped before it (until destroy). */
	for (done = 0; done < npages; done += n) {
		n = min_t(unsigned long, npages - done, MOAT_MAP_BATCH);
		r = moat_map_batch(vm, reg, done, n, m->userspace_addr + ((u64)done << PAGE_SHIFT));
		if (r < 0)
			break;
		reg->npages = done + n;
		if (fatal_signal_pending(current)) {
			r = -EINTR;
			break;
		}
	}
	if (reg->npages) {
		list_add_tail(&reg->node, &vm->regions);
		vm->mem_added += (u64)reg->npages << PAGE_SHIFT;
	} else {
		kvfree(reg->pages);
		kfree(reg);
	}
	return r;
}

static long moat_create_vcpu(struct moat_vm *vm, const struct moat_vcpu_init *v)
{
	struct moat_vcpu *vc;
	void *run;
	long r;

	if (v->pad || v->vcpu >= vm->nr_vcpus || (v->pc & 3))
		return -EINVAL;
	vc = &vm->vcpu[v->vcpu];
	if (vc->run)
		return -EEXIST;
	run = (void *)get_zeroed_page(GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	r = moat_hvc(MOAT_HC_VCPU_INIT, vm->handle, v->vcpu, v->pc, v->x0);
	if (r < 0) {
		free_page((unsigned long)run);
		return r;
	}
	vc->run = run;
	return 0;
}

/*
 * Sleeps until the host's virtual counter reaches @deadline (0: no
 * deadline) or the wake sequence moves from @seq. 0, or -EINTR for a
 * signal.
 */
static int moat_wait(u64 seq, u64 deadline)
{
	u64 now, ns;
	long r;

	if (!deadline) {
		r = wait_event_interruptible(moat_wq, atomic64_read(&moat_wake_seq) != seq);
	} else {
		/* The ABI's clock: the host's virtual counter, CNTVCT_EL0. */
		now = __arch_counter_get_cntvct();
		if (deadline <= now)
			return 0;
		ns = mul_u64_u64_div_u64(deadline - now, NSEC_PER_SEC, moat_cntfrq);
		r = wait_event_interruptible_hrtimeout(moat_wq, atomic64_read(&moat_wake_seq) != seq,
						       ns_to_ktime(ns));
		if (r == -ETIME)
			r = 0;
	}
	return r ? -EINTR : 0;
}

/*
 * Runs the vCPU until userspace has work: returns MOAT_EXIT_MMIO or
 * MOAT_EXIT_SYSTEM_EVENT, or a negative errno. Preemption is off only
 * around the hypercall (it runs to completion on this CPU); interrupts
 * stay on, so the one that made moat exit is taken as the call returns.
 */
static long moat_vcpu_loop(struct moat_vm *vm, unsigned int idx)
{
	struct moat_vcpu *vc = &vm->vcpu[idx];
	u64 seq;
	long r;

	for (;;) {
		if (signal_pending(current))
			return -EINTR;
		seq = atomic64_read(&moat_wake_seq);
		preempt_disable();
		r = moat_hvc(MOAT_HC_VCPU_RUN, vm->handle, idx, virt_to_phys(vc->run), 0);
		preempt_enable();
		if (r < 0)
			return r;
		switch (r) {
		case MOAT_EXIT_IRQ:
			break;
		case MOAT_EXIT_MMIO:
		case MOAT_EXIT_SYSTEM_EVENT:
			return r;
		case MOAT_EXIT_WFI:
			r = moat_wait(seq, READ_ONCE(vc->run->wfi.deadline));
			if (r)
				return r;
			break;
		case MOAT_EXIT_OFF:
			r = moat_wait(seq, 0);
			if (r)
				return r;
			break;
		default:
			pr_err_ratelimited("VM %ld vCPU %u: unknown exit reason %ld\n",
					   vm->handle, idx, r);
			return -EIO;
		}
		cond_resched();
	}
}

static long moat_run(struct moat_vm *vm, struct moat_vcpu_run __user *uarg)
{
	struct moat_vcpu_run a;
	struct moat_vcpu *vc;
	struct moat_run *run;
	long r, exit;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.vcpu >= vm->nr_vcpus)
		return -EINVAL;
	vc = &vm->vcpu[a.vcpu];
	mutex_lock(&vm->lock);
	if (vm->dead)
		r = -ENODEV;
	else if (!vc->run)
		r = -ENOENT;
	else if (vc->running)
		r = -EBUSY;
	else
		r = 0;
	if (!r) {
		vc->running = true;
		vm->nr_running++;
	}
	mutex_unlock(&vm->lock);
	if (r)
		return r;

	run = vc->run;
	if (vc->mmio_read) {
		/* moat completes the guest's load with it on the next run. */
		run->mmio.data = a.mmio.data;
		vc->mmio_read = false;
	}
	exit = moat_vcpu_loop(vm, a.vcpu);
	r = exit < 0 ? exit : 0;
	if (!r) {
		memset(&a.pad, 0, sizeof(a.pad));
		a.reason = exit;
		if (exit == MOAT_EXIT_MMIO) {
			a.mmio.addr = run->mmio.addr;
			a.mmio.data = run->mmio.data;
			a.mmio.len = run->mmio.len;
			a.mmio.is_write = run->mmio.is_write;
			vc->mmio_read = !run->mmio.is_write;
		} else {
			a.system_event.type = run->system_event.type;
		}
		if (copy_to_user(uarg, &a, sizeof(a)))
			r = -EFAULT;
	}
	mutex_lock(&vm->lock);
	vc->running = false;
	vm->nr_running--;
	mutex_unlock(&vm->lock);
	return r;
}

static long moat_irq_line(struct moat_vm *vm, const struct moat_irq_line *l)
{
	long r;

	if (l->intid < 32 || l->intid >= 32 + MOAT_HOSTED_NR_SPIS || l->level > 1)
		return -EINVAL;
	r = moat_hvc(MOAT_HC_VM_IRQ_LINE, vm->handle, l->intid, l->level, 0);
	if (r < 0)
		return r;
	/* moat rings the doorbell too; waking here spares the round trip. */
	if (l->level)
		moat_kick_all();
	return 0;
}

static long moat_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct moat_vm *vm = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct moat_memory mem;
		struct moat_vcpu_init vcpu;
		struct moat_irq_line line;
	} u;
	long r;

	switch (cmd) {
	case MOAT_RUN:
		return moat_run(vm, uarg);
	case MOAT_ADD_MEMORY:
	case MOAT_CREATE_VCPU:
	case MOAT_IRQ_LINE:
		if (copy_from_user(&u, uarg, _IOC_SIZE(cmd)))
			return -EFAULT;
		break;
	case MOAT_DESTROY_VM:
		break;
	default:
		return -ENOTTY;
	}

	mutex_lock(&vm->lock);
	if (vm->dead) {
		r = -ENODEV;
		goto out;
	}
	switch (cmd) {
	case MOAT_ADD_MEMORY:
		r = moat_add_memory(vm, &u.mem);
		break;
	case MOAT_CREATE_VCPU:
		r = moat_create_vcpu(vm, &u.vcpu);
		break;
	case MOAT_IRQ_LINE:
		r = moat_irq_line(vm, &u.line);
		break;
	case MOAT_DESTROY_VM:
		r = vm->nr_running ? -EBUSY : moat_vm_teardown(vm);
		break;
	default:
		r = -ENOTTY;
	}
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* The last descriptor is gone, so no ioctl is in flight and no vCPU runs. */
static int moat_vm_release(struct inode *inode, struct file *file)
{
	struct moat_vm *vm = file->private_data;

	if (!vm->dead)
		moat_vm_teardown(vm);
	kfree(vm);
	return 0;
}

static const struct file_operations moat_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = moat_vm_ioctl,
	.release = moat_vm_release,
	.llseek = noop_llseek,
};

long moat_vm_create(const struct moat_vm_create *c)
{
	struct moat_vm *vm;
	long pages, handle;
	int fd;

	if (c->pad || (c->flags & ~MOAT_VM_PROTECTED) ||
	    c->nr_vcpus < 1 || c->nr_vcpus > MOAT_VM_MAX_VCPUS ||
	    c->ipa_bits < MOAT_VM_MIN_IPA_BITS || c->ipa_bits > MOAT_VM_MAX_IPA_BITS ||
	    !c->mem_size || !PAGE_ALIGNED(c->mem_size) || c->mem_size > BIT_ULL(c->ipa_bits))
		return -EINVAL;
	pages = moat_hvc(MOAT_HC_VM_DONATION, c->nr_vcpus, c->mem_size, 0, 0);
	if (pages < 0)
		return pages;
	/* Physically contiguous: what the page allocator gives in one block, no more. */
	if (!pages || get_order((unsigned long)pages << PAGE_SHIFT) >= MAX_ORDER) {
		pr_err_ratelimited("a VM of %llu bytes needs %ld contiguous pages for moat; more than one allocation gives\n",
				   c->mem_size, pages);
		return -ENOMEM;
	}

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	mutex_init(&vm->lock);
	INIT_LIST_HEAD(&vm->regions);
	vm->nr_vcpus = c->nr_vcpus;
	vm->ipa_bits = c->ipa_bits;
	vm->flags = c->flags;
	vm->mem_size = c->mem_size;
	vm->donation_pages = pages;
	vm->map_list = (u64 *)get_zeroed_page(GFP_KERNEL);
	vm->donation = alloc_pages_exact((unsigned long)pages << PAGE_SHIFT,
					 GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!vm->map_list || !vm->donation)
		goto nomem;
	handle = moat_hvc(MOAT_HC_VM_CREATE, MOAT_VM_CFG(c->nr_vcpus, c->ipa_bits, c->flags),
			  virt_to_phys(vm->donation), pages, 0);
	if (handle <= 0) {
		free_pages_exact(vm->donation, (unsigned long)pages << PAGE_SHIFT);
		free_page((unsigned long)vm->map_list);
		kfree(vm);
		return handle < 0 ? handle : -EIO;
	}
	vm->handle = handle;
	fd = anon_inode_getfd("moat-vm", &moat_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (!moat_vm_teardown(vm))
			kfree(vm);
		return fd;
	}
	return fd;

nomem:
	if (vm->donation)
		free_pages_exact(vm->donation, (unsigned long)pages << PAGE_SHIFT);
	free_page((unsigned long)vm->map_list);
	kfree(vm);
	return -ENOMEM;
}
