// SPDX-License-Identifier: MIT
/*
 * VMs the host creates at run time: the host-only hypercalls, their life
 * cycle and their memory (docs/hosted.md). The host is trusted with
 * nothing: every argument is checked as a guest's would be, and every page
 * it names must be RAM it owns at the moment of the call (the ownership
 * records of mm/owner.c decide). Portable C: the unit tests drive it with
 * the fakes (tests/unit/test_hosted.c); running a vCPU is core/hosted_run.c.
 *
 * Locking: hosted_lock serialises every host call's look-up and change of
 * the VM table and of a VM's state; the ownership transitions take the
 * host's, then the VM's lock inside it. A running vCPU holds no lock, only
 * its bit in hv->running, which MOAT_HC_VM_DESTROY refuses to race.
 */
#include "core/hosted.h"
#include "arch/barrier.h"
#include "arch/sysreg.h"
#include "arch/tlb.h"
#include "core/dabt.h"
#include "core/el2_config.h"
#include "core/exit_stats.h"
#include "core/vgic_glue.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "mm/hyp_mm.h"
#include <string.h>

static spinlock_t hosted_lock = SPINLOCK_INIT;
static struct hosted_vm *slots[HOSTED_MAX_VMS];
/*
 * Moves (under hosted_lock) before anything that can take pages from the
 * host: VM_CREATE's donation, VM_MAP. Nothing else does: a run page seen
 * the host's at one value still is while the value holds, so VCPU_RUN
 * checks it once, not on every run and every return (hosted_vcpu.run_*).
 */
static u64 host_give_gen;
static u32 nr_alive;
static u32 last_handle;
/* The list page of the MAP in progress, copied out of the host's reach (under hosted_lock). */
static u64 map_list[MOAT_MAP_BATCH];

/* ---- Errors: Linux errno values the module passes on as they are. ---- */

static s64 to_moat_err(int err)
{
	switch (err) {
	case -ENOMEM:
		return MOAT_ENOMEM;
	case -ENOSPC:
		return MOAT_ENOSPC;
	case -EPERM:
		return MOAT_EACCES;
	case -EFAULT:
		return MOAT_EFAULT;
	case -EBUSY:
		return MOAT_EBUSY;
	case -EEXIST:
		return MOAT_EEXIST;
	default:
		return MOAT_EINVAL;
	}
}

/* A refused call: one rate-limited line saying which and why, then the error. */
#define refuse(host, err, fmt, ...)                                                            \
	({                                                                                      \
		log_printf_ratelimited(&(host)->log_rl, LOG_WARN, "%s: host call refused: " fmt \
				       " (%lld)", (host)->name, ##__VA_ARGS__, (long long)(err)); \
		(s64)(err);                                                                     \
	})

/* ---- The donation's table pages. ------------------------------------------ */

static void *pool_zalloc_page(void *arg)
{
	struct hosted_vm *hv = arg;
	void *p;

	if (hv->pool_free) {
		p = hv->pool_free;
		hv->pool_free = *(void **)p;
	} else if (hv->pool_next < hv->pool_end) {
		p = pa_to_ptr(pa_init(hv->pool_next));
		hv->pool_next += PAGE_SIZE;
	} else {
		return NULL;
	}
	hv->pool_left--;
	memset(p, 0, PAGE_SIZE);
	return p;
}

static void pool_free_page(void *page, void *arg)
{
	struct hosted_vm *hv = arg;

	*(void **)page = hv->pool_free;
	hv->pool_free = page;
	hv->pool_left++;
}

/*
 * The stage-2 start level (concatenated tables, aligned to their size):
 * only ever asked for once, at creation, so it comes from the untouched
 * part; the pages skipped to align it go to the free list.
 */
static void *pool_zalloc_contig(size_t size, void *arg)
{
	struct hosted_vm *hv = arg;
	u64 at = ALIGN_UP(hv->pool_next, size);

	if (at < hv->pool_next || at > hv->pool_end || hv->pool_end - at < size)
		return NULL;
	while (hv->pool_next < at) {
		pool_free_page(pa_to_ptr(pa_init(hv->pool_next)), hv);
		hv->pool_left--;	/* pool_free_page counted it; it was already in pool_left */
		hv->pool_next += PAGE_SIZE;
	}
	hv->pool_next += size;
	hv->pool_left -= size / PAGE_SIZE;
	memset(pa_to_ptr(pa_init(at)), 0, size);
	return pa_to_ptr(pa_init(at));
}

static void pool_free_contig(void *p, size_t size, void *arg)
{
	for (size_t off = 0; off < size; off += PAGE_SIZE)
		pool_free_page((char *)p + off, arg);
}

static void *pool_phys_to_virt(u64 pa, void *arg)
{
	return pa_to_ptr(pa_init(pa));
}

static u64 pool_virt_to_phys(void *va, void *arg)
{
	return pa_addr(ptr_to_pa(va));
}

/* ---- Sizes. ------------------------------------------------------------- */

#define HOSTED_STRUCT_PAGES	(ALIGN_UP(sizeof(struct hosted_vm), PAGE_SIZE) / PAGE_SIZE)
/* Start level (up to 16 concatenated tables) and its alignment, the upper levels, slack. */
#define HOSTED_FIXED_TABLES	(2 * PGT_MAX_CONCAT + 16)
/* At most this much donation (4 GiB): a bound that keeps every size computation exact. */
#define HOSTED_MAX_DONATION	(1ULL << 20)

u64 hosted_donation_pages(u64 nr_vcpus, u64 mem_bytes)
{
	u64 blocks;

	if (!nr_vcpus || nr_vcpus > MOAT_VM_MAX_VCPUS || !mem_bytes ||
	    mem_bytes > (1ULL << MOAT_VM_MAX_IPA_BITS))
		return 0;
	/*
	 * RAM mapped with pages: one last-level table per 2 MiB, one
	 * level-2 table per 1 GiB, each range possibly straddling one more.
	 * (The vCPUs live in the struct, whatever their number.)
	 */
	blocks = ALIGN_UP(mem_bytes, SZ_2M) / SZ_2M;
	return HOSTED_STRUCT_PAGES + HOSTED_FIXED_TABLES + blocks + blocks / 512 + 2;
}

/* ---- Look-ups (hosted_lock held). --------------------------------------- */

static struct hosted_vm *find(u64 handle)
{
	if (!handle || handle > UINT32_MAX)
		return NULL;
	for (u32 i = 0; i < HOSTED_MAX_VMS; i++)
		if (slots[i] && slots[i]->handle == handle)
			return slots[i];
	return NULL;
}

/* Is [pa, pa + size) page-aligned RAM (whoever owns it)? */
static bool is_ram(const struct mem_host *h, u64 pa, u64 size)
{
	return IS_ALIGNED(pa | size, PAGE_SIZE) && size && pa + size > pa &&
	       mem_host_range_uniform(h, pa, pa + size) && mem_host_default_prot(h, pa) == PGT_PROT_RWX;
}

static bool host_page_ok(struct mem_host *h, u64 pa, u64 size)
{
	return IS_ALIGNED(pa, PAGE_SIZE) && mem_host_owns_ram(h, pa, size);
}

/* ---- Create. ------------------------------------------------------------ */

static u16 hosted_vmid(u32 slot)
{
	return (u16)(vm_first_free_vmid() + slot);
}

static int hosted_stage2(struct hosted_vm *hv, u32 ipa_bits)
{
	struct vm *vm = &hv->vm;
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u32 flags = (vm->hcr & HCR_EL2_FWB) ? PGT_F_S2FWB : 0;
	int ret;

	hv->mm = (struct pgt_mm_ops){
		.zalloc_page = pool_zalloc_page,
		.free_page = pool_free_page,
		.phys_to_virt = pool_phys_to_virt,
		.virt_to_phys = pool_virt_to_phys,
		.zalloc_contig = pool_zalloc_contig,
		.free_contig = pool_free_contig,
		.arg = hv,
	};
	ret = pgt_s2_init(&vm->s2, mmfr0, (1ULL << ipa_bits) - 1, &hv->mm, flags, mem_guest_force_pte);
	if (ret)
		return ret;
	if (vm->s2.ia_bits < ipa_bits) {
		/* The CPU's PA range is smaller than asked: the VMM must not place RAM beyond it. */
		pgt_destroy(&vm->s2);
		return -EINVAL;
	}
	vm->vtcr = pgt_s2_vtcr(&vm->s2, mmfr0) | vcpu_el2_config()->vtcr;
	vm->vttbr = pgt_s2_set_vmid(&vm->s2, vm->vmid);
	return 0;
}

s64 hosted_vm_create(struct vm *host, u64 config, u64 pa, u64 pages)
{
	struct mem_host *h = host->host;
	u32 nr_vcpus = (u32)MOAT_VM_CFG_VCPUS(config), ipa_bits = (u32)MOAT_VM_CFG_IPA_BITS(config);
	u32 flags = (u32)MOAT_VM_CFG_FLAGS(config), slot;
	struct hosted_vm *hv;
	s64 err;
	int ret;

	if ((config >> 32) || (flags & ~MOAT_VM_PROTECTED) || !nr_vcpus ||
	    nr_vcpus > MOAT_VM_MAX_VCPUS || ipa_bits < MOAT_VM_MIN_IPA_BITS ||
	    ipa_bits > MOAT_VM_MAX_IPA_BITS)
		return refuse(host, MOAT_EINVAL, "VM_CREATE: bad config 0x%llx", (unsigned long long)config);
	if (pages < HOSTED_STRUCT_PAGES + HOSTED_FIXED_TABLES || pages > HOSTED_MAX_DONATION)
		return refuse(host, MOAT_EINVAL, "VM_CREATE: %llu pages of donation (%llu..%llu)",
			      (unsigned long long)pages,
			      (unsigned long long)(HOSTED_STRUCT_PAGES + HOSTED_FIXED_TABLES),
			      HOSTED_MAX_DONATION);
	if (!is_ram(h, pa, pages * PAGE_SIZE))
		return refuse(host, MOAT_EFAULT, "VM_CREATE: donation 0x%llx (%llu pages) is not RAM",
			      (unsigned long long)pa, (unsigned long long)pages);
	spin_lock(&hosted_lock);
	for (slot = 0; slot < HOSTED_MAX_VMS && slots[slot]; slot++)
		;
	if (slot == HOSTED_MAX_VMS) {
		err = refuse(host, MOAT_ENOSPC, "VM_CREATE: %u hosted VMs already", HOSTED_MAX_VMS);
		goto unlock;
	}
	/* It leaves the host's stage-2 (and TLBs) before moat writes a byte of it. */
	host_give_gen++;
	ret = mem_donate_host_to_moat(h, pa, pages * PAGE_SIZE);
	if (ret) {
		err = refuse(host, to_moat_err(ret), "VM_CREATE: donation 0x%llx: %s",
			     (unsigned long long)pa, ret == -EPERM ? "not the host's to give" : err_name(ret));
		goto unlock;
	}
	hv = pa_to_ptr(pa_init(pa));
	memset(hv, 0, HOSTED_STRUCT_PAGES * PAGE_SIZE);
	hv->don_pa = pa;
	hv->don_pages = pages;
	hv->pool_next = pa + HOSTED_STRUCT_PAGES * PAGE_SIZE;
	hv->pool_end = pa + pages * PAGE_SIZE;
	hv->pool_left = pages - HOSTED_STRUCT_PAGES;
	hv->protected = flags & MOAT_VM_PROTECTED;
	hv->host = host;
	/* Never 0, never one in use (handles are not reused: a stale one finds nothing). */
	do {
		last_handle = last_handle == INT32_MAX ? 1 : last_handle + 1;
	} while (find(last_handle));
	hv->handle = last_handle;
	snprintf(hv->cfg.name, sizeof(hv->cfg.name), "hosted VM %u", hv->handle);
	hv->cfg.nr_vcpus = nr_vcpus;
	memcpy(hv->vm.name, hv->cfg.name, sizeof(hv->vm.name));
	hv->vm.cfg = &hv->cfg;
	hv->vm.hosted = hv;
	hv->vm.vmid = hosted_vmid(slot);
	hv->vm.nr_vcpus = nr_vcpus;
	hv->vm.lock = (spinlock_t)SPINLOCK_INIT;
	ret = vm_init_hosted(&hv->vm);
	ret = ret ?: hosted_stage2(hv, ipa_bits);
	if (!ret) {
		hv->guest = (struct mem_guest){ .pgt = &hv->vm.s2, .id = (u16)(hv->vm.vmid + 1),
						.lock = SPINLOCK_INIT };
		ret = mem_host_add_guest(h, &hv->guest);
		if (ret)
			pgt_destroy(&hv->vm.s2);
	}
	if (ret) {
		err = refuse(host, to_moat_err(ret), "VM_CREATE: %s", err_name(ret));
		if (h->scrub)
			h->scrub(pa, pages * PAGE_SIZE, h->scrub_arg);
		/* The host gave it as its own; it was not touched by anyone else since. */
		mem_donate_moat_to_host(h, pa, pages * PAGE_SIZE);
		goto unlock;
	}
	slots[slot] = hv;
	nr_alive++;
	err = hv->handle;
	log_info("hosted VM %u: created (%u vCPU%s, %s, VMID %u, %llu pages donated)", hv->handle,
		 nr_vcpus, nr_vcpus > 1 ? "s" : "", hv->protected ? "protected" : "not protected",
		 hv->vm.vmid, (unsigned long long)pages);
unlock:
	spin_unlock(&hosted_lock);
	return err;
}

/* ---- Map. --------------------------------------------------------------- */

/* Any page of [ipa, ipa + size) mapped in the VM already? */
static bool ipa_taken(struct hosted_vm *hv, u64 ipa, u64 size)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		u64 pte;
		u32 level;

		if (!pgt_lookup(&hv->vm.s2, ipa + off, &pte, &level) && pte_valid(pte))
			return true;
	}
	return false;
}

static int map_run(struct mem_host *h, struct hosted_vm *hv, u64 pa, u64 ipa, u64 size)
{
	host_give_gen++;
	if (hv->protected)
		return mem_donate_host_to_guest(h, &hv->guest, pa, ipa, size, PGT_PROT_RWX);
	return mem_share_host_with_guest(h, &hv->guest, pa, ipa, size, PGT_PROT_RWX);
}

static int unmap_run(struct mem_host *h, struct hosted_vm *hv, u64 pa, u64 ipa, u64 size)
{
	if (hv->protected)
		return mem_reclaim_guest_to_host(h, &hv->guest, ipa, size);
	return mem_unshare_host_from_guest(h, &hv->guest, pa, ipa, size);
}

/* The length of the run at map_list[i]: pages contiguous in PA (and so in IPA). */
static u64 run_pages(u64 i, u64 count)
{
	u64 n = 1;

	while (i + n < count && map_list[i + n] == map_list[i] + n * PAGE_SIZE)
		n++;
	return n;
}

s64 hosted_vm_map(struct vm *host, u64 handle, u64 ipa, u64 list_pa, u64 count)
{
	struct mem_host *h = host->host;
	struct hosted_vm *hv;
	u64 i, n, done = 0, gic_end;
	s64 err = 0;
	int ret = 0;

	if (!count || count > MOAT_MAP_BATCH || !IS_ALIGNED(ipa, PAGE_SIZE))
		return refuse(host, MOAT_EINVAL, "VM_MAP: %llu pages at IPA 0x%llx",
			      (unsigned long long)count, (unsigned long long)ipa);
	if (!host_page_ok(h, list_pa, PAGE_SIZE))
		return refuse(host, MOAT_EFAULT, "VM_MAP: list page 0x%llx is not the host's RAM",
			      (unsigned long long)list_pa);
	spin_lock(&hosted_lock);
	hv = find(handle);
	if (!hv) {
		err = refuse(host, MOAT_ENOENT, "VM_MAP: no hosted VM %llu", (unsigned long long)handle);
		goto unlock;
	}
	gic_end = MOAT_HOSTED_GICR_BASE + hv->vm.nr_vcpus * MOAT_HOSTED_GICR_STRIDE;
	/* Written so that no sum can wrap: ipa is the host's, any 64-bit value. */
	if (ipa >= (1ULL << hv->vm.s2.ia_bits) ||
	    count * PAGE_SIZE > (1ULL << hv->vm.s2.ia_bits) - ipa ||
	    (ipa < gic_end && ipa + count * PAGE_SIZE > MOAT_HOSTED_GICD_BASE)) {
		err = refuse(host, MOAT_EINVAL, "VM_MAP: IPA 0x%llx + %llu pages is outside the VM's "
			     "space or over its GIC", (unsigned long long)ipa, (unsigned long long)count);
		goto unlock;
	}
	/* One copy, then checks and use of the copy: the host may rewrite its page meanwhile. */
	memcpy(map_list, pa_to_ptr(pa_init(list_pa)), count * sizeof(u64));
	for (i = 0; i < count; i++) {
		if (!is_ram(h, map_list[i], PAGE_SIZE)) {
			err = refuse(host, MOAT_EFAULT, "VM_MAP: entry %llu (0x%llx) is not a RAM page",
				     (unsigned long long)i, (unsigned long long)map_list[i]);
			goto unlock;
		}
	}
	if (ipa_taken(hv, ipa, count * PAGE_SIZE)) {
		err = refuse(host, MOAT_EEXIST, "VM_MAP: IPA 0x%llx + %llu pages is mapped already",
			     (unsigned long long)ipa, (unsigned long long)count);
		goto unlock;
	}
	/* Contiguous runs in one transition each: blocks where both sides are 2 MiB aligned. */
	for (i = 0; i < count; i += n) {
		n = run_pages(i, count);
		ret = map_run(h, hv, map_list[i], ipa + i * PAGE_SIZE, n * PAGE_SIZE);
		if (ret)
			break;
		done = i + n;
	}
	if (ret) {
		/* All or nothing: give back what this call mapped, in the same runs. */
		for (i = 0; i < done; i += n) {
			n = run_pages(i, done);
			if (unmap_run(h, hv, map_list[i], ipa + i * PAGE_SIZE, n * PAGE_SIZE))
				log_err("%s: cannot undo a partial VM_MAP at IPA 0x%llx", hv->vm.name,
					(unsigned long long)(ipa + i * PAGE_SIZE));
		}
		err = refuse(host, to_moat_err(ret), "VM_MAP: page 0x%llx for IPA 0x%llx: %s",
			     (unsigned long long)map_list[done], (unsigned long long)(ipa + done * PAGE_SIZE),
			     ret == -EPERM ? "not the host's to give" : err_name(ret));
		goto unlock;
	}
	err = (s64)count;
unlock:
	spin_unlock(&hosted_lock);
	return err;
}

/* ---- Destroy. ----------------------------------------------------------- */

#define TEARDOWN_BATCH	32

struct leaf {
	u64 ipa, pa, size;
	u32 sw;
};

struct collect {
	struct leaf l[TEARDOWN_BATCH];
	u32 n;
};

static int collect_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct collect *c = ctx->arg;
	u64 a = MAX(ctx->addr, ctx->start), end = MIN(ctx->addr + pgt_level_size(ctx->level), ctx->end);

	if (!pte_valid(ctx->old))
		return 0;
	if (c->n == TEARDOWN_BATCH)
		return -E2BIG;
	c->l[c->n++] = (struct leaf){ a, pte_phys(ctx->old, ctx->level, a), end - a, pte_sw(ctx->old) };
	return 0;
}

/*
 * Every page the VM maps goes back to the host: its own pages scrubbed
 * first (mem_reclaim_guest_to_host), borrowed ones unshared. In batches
 * of leaves, as the walk cannot change the table it walks.
 */
static int give_back_ram(struct mem_host *h, struct hosted_vm *hv)
{
	struct pgtable *s2 = &hv->vm.s2;
	u64 limit = 1ULL << s2->ia_bits, from = 0;
	int ret = 0;

	while (from < limit) {
		struct collect c = { .n = 0 };
		struct pgt_walker w = { .cb = collect_visitor, .arg = &c, .flags = PGT_WALK_LEAF };
		int walk = pgt_walk(s2, from, limit - from, &w);

		if (walk && walk != -E2BIG)
			return walk;
		for (u32 i = 0; i < c.n; i++) {
			const struct leaf *l = &c.l[i];
			int r = l->sw == MEM_PAGE_OWNED ?
				mem_reclaim_guest_to_host(h, &hv->guest, l->ipa, l->size) :
				mem_unshare_host_from_guest(h, &hv->guest, l->pa, l->ipa, l->size);

			if (r) {
				log_err("%s: cannot give IPA 0x%llx (PA 0x%llx) back to the host: %s",
					hv->vm.name, (unsigned long long)l->ipa, (unsigned long long)l->pa,
					err_name(r));
				ret = ret ?: r;
			}
		}
		if (!walk)
			break;
		from = c.l[c.n - 1].ipa + c.l[c.n - 1].size;
	}
	return ret;
}

/* Give everything of @hv back to the host @h (no vCPU of it runs); hosted_lock held. */
static int teardown(struct mem_host *h, struct hosted_vm *hv)
{
	u64 pa = hv->don_pa, size = hv->don_pages * PAGE_SIZE;
	u32 id = hv->handle;
	int ret = give_back_ram(h, hv);

	/* Pages the host cannot get back stay the VM's: keep it, say so. */
	if (ret)
		return ret;
	for (u32 i = 0; i < HOSTED_MAX_VMS; i++)
		if (slots[i] == hv)
			slots[i] = NULL;
	nr_alive--;
	mem_host_remove_guest(h, &hv->guest);
	/* Its VMID may be reused: nothing of it stays in any TLB. */
	tlbi_vmalls12e1is(hv->vm.vttbr);
	dsb(ish);
	pgt_destroy(&hv->vm.s2);
	/* From here on the struct is gone: scrubbed, then the host's again. */
	h->scrub(pa, size, h->scrub_arg);
	ret = mem_donate_moat_to_host(h, pa, size);
	if (ret)
		log_err("hosted VM %u: donation 0x%llx not returned: %s", id, (unsigned long long)pa,
			err_name(ret));
	log_info("hosted VM %u: destroyed", id);
	return 0;
}

s64 hosted_vm_destroy(struct vm *host, u64 handle)
{
	struct hosted_vm *hv;
	s64 err = 0;
	int ret;

	spin_lock(&hosted_lock);
	hv = find(handle);
	if (!hv) {
		err = refuse(host, MOAT_ENOENT, "VM_DESTROY: no hosted VM %llu", (unsigned long long)handle);
	} else if (READ_ONCE(hv->running)) {
		err = refuse(host, MOAT_EBUSY, "VM_DESTROY: %s has a vCPU running", hv->vm.name);
	} else {
		ret = teardown(host->host, hv);
		if (ret)
			err = refuse(host, to_moat_err(ret), "VM_DESTROY: %s keeps pages it could not "
				     "return", hv->vm.name);
	}
	spin_unlock(&hosted_lock);
	return err;
}

void hosted_destroy_all(struct vm *host)
{
	spin_lock(&hosted_lock);
	for (u32 i = 0; i < HOSTED_MAX_VMS; i++) {
		struct hosted_vm *hv = slots[i];

		if (hv && hv->host == host && !READ_ONCE(hv->running) && teardown(host->host, hv))
			log_err("%s: not all of it could be given back to the host", hv->vm.name);
	}
	spin_unlock(&hosted_lock);
}

/* ---- vCPUs and lines. --------------------------------------------------- */

s64 hosted_vcpu_init(struct vm *host, u64 handle, u64 vcpu, u64 pc, u64 x0)
{
	struct hosted_vm *hv;
	struct vcpu *v;
	s64 err = 0;

	spin_lock(&hosted_lock);
	hv = find(handle);
	if (!hv || vcpu >= hv->vm.nr_vcpus) {
		err = refuse(host, MOAT_ENOENT, "VCPU_INIT: no vCPU %llu of hosted VM %llu",
			     (unsigned long long)vcpu, (unsigned long long)handle);
		goto unlock;
	}
	if (hv->vcpus_made & BIT(vcpu)) {
		err = refuse(host, MOAT_EEXIST, "VCPU_INIT: %s vCPU %llu made already", hv->vm.name,
			     (unsigned long long)vcpu);
		goto unlock;
	}
	if (vcpu == 0 && (pc & 3)) {
		err = refuse(host, MOAT_EINVAL, "VCPU_INIT: %s entry 0x%llx unaligned", hv->vm.name,
			     (unsigned long long)pc);
		goto unlock;
	}
	v = &hv->vm.vcpus[vcpu];
	hv->vcpus_made |= (u32)BIT(vcpu);
	if (vcpu == 0) {
		spin_lock(&v->lock);
		v->entry = pc;
		v->context_id = x0;
		v->reset = true;
		smp_store_release(&v->power, VCPU_ON);
		spin_unlock(&v->lock);
	}
unlock:
	spin_unlock(&hosted_lock);
	return err;
}

s64 hosted_irq_line(struct vm *host, u64 handle, u64 intid, u64 level)
{
	struct hosted_vm *hv;
	s64 err = 0;

	if (intid < 32 || intid >= 32 + MOAT_HOSTED_NR_SPIS || level > 1)
		return refuse(host, MOAT_EINVAL, "VM_IRQ_LINE: INTID %llu level %llu",
			      (unsigned long long)intid, (unsigned long long)level);
	spin_lock(&hosted_lock);
	hv = find(handle);
	if (hv)
		vm_set_spi_level(&hv->vm, (u32)intid, level);
	else
		err = refuse(host, MOAT_ENOENT, "VM_IRQ_LINE: no hosted VM %llu", (unsigned long long)handle);
	spin_unlock(&hosted_lock);
	return err;
}

/* ---- Runs: claiming a vCPU (the world switch is core/hosted_run.c). ----- */

/*
 * Is @run_pa the host's own RAM? Under hosted_lock. The same page as the
 * vCPU's record, with nothing given away since, is the host's still;
 * otherwise it is looked up and recorded (hosted_vcpu.run_*).
 */
static bool run_page_host_owned(struct mem_host *h, struct hosted_vcpu *hc, u64 run_pa)
{
	if (hc->run_pa != run_pa || hc->run_gen != host_give_gen || !hc->run_ok) {
		hc->run_ok = host_page_ok(h, run_pa, PAGE_SIZE);
		hc->run_pa = run_pa;
		hc->run_gen = host_give_gen;
	}
	return hc->run_ok;
}

s64 hosted_run_begin(struct vm *host, u64 handle, u64 vcpu, u64 run_pa, struct vcpu **out)
{
	struct hosted_vm *hv;
	struct hosted_vcpu *hc;
	struct vcpu *v;
	s64 err = 0;

	spin_lock(&hosted_lock);
	hv = find(handle);
	if (!hv || vcpu >= hv->vm.nr_vcpus || !(hv->vcpus_made & BIT(vcpu))) {
		err = refuse(host, MOAT_ENOENT, "VCPU_RUN: no vCPU %llu of hosted VM %llu",
			     (unsigned long long)vcpu, (unsigned long long)handle);
		goto unlock;
	}
	hc = &hv->vcpu[vcpu];
	/* First: the run page record below belongs to the run in progress, if any. */
	if (hv->running & BIT(vcpu)) {
		err = refuse(host, MOAT_EBUSY, "VCPU_RUN: %s vCPU %llu runs elsewhere", hv->vm.name,
			     (unsigned long long)vcpu);
		goto unlock;
	}
	/* Checked under the lock: no MAP or CREATE can take the page from the host meanwhile. */
	if (!run_page_host_owned(host->host, hc, run_pa)) {
		err = refuse(host, MOAT_EFAULT, "VCPU_RUN: run page 0x%llx is not the host's RAM",
			     (unsigned long long)run_pa);
		goto unlock;
	}
	hv->running |= (u32)BIT(vcpu);
	v = &hv->vm.vcpus[vcpu];
	/*
	 * The read the last run left: only the data is the host's to give
	 * (read once); register, size and extension are what the guest's
	 * instruction said. A vCPU restarted since (CPU_ON) has no read.
	 */
	if (hc->read_pending && !v->reset) {
		const struct moat_run *run = pa_to_ptr(pa_init(run_pa));
		u64 data = READ_ONCE(run->mmio.data);

		vcpu_set_reg(v, hc->read.rt, mmio_load_result(&hc->read, data));
	}
	hc->read_pending = false;
	*out = v;
unlock:
	spin_unlock(&hosted_lock);
	return err;
}

void hosted_run_end(struct vcpu *v, u64 run_pa, u32 reason)
{
	struct hosted_vm *hv = v->vm->hosted;
	struct hosted_vcpu *hc = &hv->vcpu[v->id];

	hc->exit.reason = reason;
	spin_lock(&hosted_lock);
	/* Only while it is still the host's own: it may have been given away meanwhile. */
	if (run_page_host_owned(hv->host->host, hc, run_pa))
		memcpy(pa_to_ptr(pa_init(run_pa)), &hc->exit, sizeof(hc->exit));
	hv->running &= ~(u32)BIT(v->id);
	spin_unlock(&hosted_lock);
}

s64 hosted_vcpu_run(struct vcpu *host_vcpu, u64 handle, u64 vcpu, u64 run_pa)
{
	struct vcpu *v = NULL;
	s64 ret = hosted_run_begin(host_vcpu->vm, handle, vcpu, run_pa, &v);
	u32 reason;

	if (ret)
		return ret;
	reason = vcpu_run_hosted(v, host_vcpu);
	hosted_run_end(v, run_pa, reason);
	return reason;
}

/* ---- Exits that need the host. ------------------------------------------ */

void hosted_mmio_exit(struct vcpu *v, u64 ipa)
{
	struct hosted_vcpu *hc = &v->vm->hosted->vcpu[v->id];
	u64 esr = v->ctx.esr;
	struct mmio_access a;

	if (dabt_classify(esr) == DABT_SKIP_CM) {
		/* Cache maintenance by VA on a device: nothing to do. */
		v->exit_reason = EXIT_R_MMIO_OTHER;
		vcpu_skip_instr(v);
		return;
	}
	/* Only what the syndrome describes goes to the host; moat does not decode for it. */
	if ((esr & ESR_ELx_S1PTW) || mmio_decode_iss(esr, &a)) {
		vcpu_log(v, LOG_WARN, "%s at IPA 0x%llx (PC 0x%llx) with no syndrome: external abort "
			 "injected", (esr & ESR_ELx_S1PTW) ? "stage-1 table walk" : "access",
			 (unsigned long long)ipa, (unsigned long long)v->ctx.pc);
		vcpu_inject_ext_abort(v, v->ctx.far, false);
		return;
	}
	memset(&hc->exit, 0, sizeof(hc->exit));
	hc->exit.mmio.addr = ipa;
	hc->exit.mmio.len = a.size;
	hc->exit.mmio.is_write = a.write;
	if (a.write)
		hc->exit.mmio.data = vcpu_reg(v, a.rt) & (a.size == 8 ? ~0ULL : BIT(8 * a.size) - 1);
	hc->read = a;
	hc->read_pending = !a.write;
	/* Done as far as the guest can tell once the host answers: the next run starts after it. */
	v->exit_reason = EXIT_R_MMIO_OTHER;
	vcpu_skip_instr(v);
	v->host_exit = MOAT_EXIT_MMIO;
}

u64 hosted_timer_deadline(u64 ctl, u64 cval, u64 offset)
{
	if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) != CNTV_CTL_ENABLE)
		return UINT64_MAX;
	return cval + offset;
}

void hosted_wfi(struct vcpu *v)
{
	struct hosted_vm *hv = v->vm->hosted;
	struct hosted_vcpu *hc = &hv->vcpu[v->id];
	/* The guest's timers are in the CPU while it runs; the physical one has no offset. */
	u64 dv = hosted_timer_deadline(read_sysreg(cntv_ctl_el0), read_sysreg(cntv_cval_el0),
				       v->vm->cntvoff);
	u64 dp = hosted_timer_deadline(read_sysreg(cntp_ctl_el0), read_sysreg(cntp_cval_el0), 0);
	u64 d = MIN(dv, dp);

	memset(&hc->exit, 0, sizeof(hc->exit));
	/* In the host's virtual counter; 0 means none, so a deadline of 0 is said as 1. */
	if (d != UINT64_MAX)
		hc->exit.wfi.deadline = MAX(d - hv->host->cntvoff, 1ULL);
	v->host_exit = MOAT_EXIT_WFI;
}

u32 hosted_exit_reason(struct vcpu *v)
{
	struct hosted_vm *hv = v->vm->hosted;
	struct hosted_vcpu *hc = &hv->vcpu[v->id];
	enum vcpu_power power = READ_ONCE(v->power);
	u32 r = v->host_exit;

	if (power == VCPU_STOPPED || READ_ONCE(v->vm->stopped)) {
		memset(&hc->exit, 0, sizeof(hc->exit));
		hc->exit.system_event.type = READ_ONCE(hv->system_event) ?: MOAT_SYSTEM_OFF;
		hc->read_pending = false;
		return MOAT_EXIT_SYSTEM_EVENT;
	}
	if (!r)
		r = power == VCPU_ON ? MOAT_EXIT_IRQ : MOAT_EXIT_OFF;
	/*
	 * A kick that found the vCPU still running sent its SGI here, and the
	 * host's CPU ignores it: so once the vCPU is marked not running
	 * (ordered before this), a wake-up the run missed turns "wait" into
	 * "run again".
	 */
	if ((r == MOAT_EXIT_WFI && vgic_vcpu_pending(&v->vm->vgic, v->id)) ||
	    (r == MOAT_EXIT_OFF && power == VCPU_ON))
		r = MOAT_EXIT_IRQ;
	if (r != MOAT_EXIT_MMIO && r != MOAT_EXIT_WFI)
		memset(&hc->exit, 0, sizeof(hc->exit));
	return r;
}

void hosted_system_event(struct vm *vm, u32 type)
{
	struct hosted_vm *hv = vm->hosted;

	spin_lock(&vm->lock);
	if (!hv->system_event)
		hv->system_event = type;
	spin_unlock(&vm->lock);
	log_info("%s: system event: %s", vm->name, type == MOAT_SYSTEM_RESET ? "reset" : "off");
	vm_stop(vm, 0);
}

/*
 * The host may map more while a vCPU runs; it never unmaps (only destroy
 * does, with no vCPU running), so a page seen mapped stays so.
 */
bool hosted_ipa_is_ram(struct vm *vm, u64 ipa)
{
	u64 pte;
	u32 level;

	return ipa < (1ULL << vm->s2.ia_bits) &&
	       !pgt_lookup(&vm->s2, ALIGN_DOWN(ipa, PAGE_SIZE), &pte, &level) && pte_valid(pte);
}

/* ---- Figures. ----------------------------------------------------------- */

s64 hosted_mem_stats(struct vm *host, u64 which)
{
	switch (which) {
	case MOAT_STAT_FREE_PAGES:
		return (s64)page_alloc_nr_free(&hyp_pages);
	case MOAT_STAT_HOST_PAGES:
		return (s64)mem_host_owned_pages(host->host);
	case MOAT_STAT_VMS:
		return READ_ONCE(nr_alive);
	default:
		return refuse(host, MOAT_EINVAL, "MEM_STATS: no counter %llu", (unsigned long long)which);
	}
}

static s64 hosted_mem_check(struct vm *host)
{
	struct mem_check_report rep;

	spin_lock(&hosted_lock);
	if (mem_check(host->host, &rep)) {
		spin_unlock(&hosted_lock);
		log_err("ownership check: %s at 0x%llx (owner id %u)", rep.what,
			(unsigned long long)rep.addr, rep.guest);
		return MOAT_EINVAL;
	}
	spin_unlock(&hosted_lock);
	log_info("ownership check: every page has one owner (%u hosted VM%s)", nr_alive,
		 nr_alive == 1 ? "" : "s");
	return 0;
}

/* ---- Dispatch. ---------------------------------------------------------- */

/* The ABI's numbering is the exit_stats.h order. */
_Static_assert(MOAT_XSTAT_IRQ == EXIT_R_IRQ && MOAT_XSTAT_HVC_FAST == EXIT_R_HVC_FAST &&
	       MOAT_XSTAT_HVC_MOAT == EXIT_R_HVC_MOAT && MOAT_XSTAT_SYSREG_FAST == EXIT_R_SYSREG_FAST &&
	       MOAT_XSTAT_MMIO_OTHER == EXIT_R_MMIO_OTHER && MOAT_XSTAT_OTHER == EXIT_R_OTHER &&
	       MOAT_XSTAT_NR == EXIT_R_NR, "MOAT_XSTAT_* follow enum exit_reason");

/* The VM a stats call names: the host itself (0) or one of its VMs; NULL if none. */
static struct vm *stats_vm(struct vm *host, u64 handle)
{
	struct hosted_vm *hv;

	if (!handle)
		return host;
	hv = find(handle);
	return hv ? &hv->vm : NULL;
}

/*
 * MOAT_HC_EXIT_STATS: the counters are each a u64 its own vCPU's CPU
 * updates; this reads them as they are, a snapshot (as Ctrl-\ s does).
 * The hosted lock keeps a hosted VM from being destroyed meanwhile.
 */
static s64 hosted_exit_stats(struct vcpu *caller, u64 handle, u64 vcpu, u64 reason)
{
	struct vm *host = caller->vm, *vm;
	u64 count = 0, ticks = 0;
	s64 err = 0;

	if (reason >= EXIT_R_NR)
		return refuse(host, MOAT_EINVAL, "EXIT_STATS: reason %llu", (unsigned long long)reason);
	spin_lock(&hosted_lock);
	vm = stats_vm(host, handle);
	if (!vm || (vcpu != MOAT_XSTAT_ALL_VCPUS && vcpu >= vm->nr_vcpus)) {
		err = refuse(host, MOAT_ENOENT, "EXIT_STATS: no vCPU %llu of VM %llu",
			     (unsigned long long)vcpu, (unsigned long long)handle);
		goto unlock;
	}
	for (u32 c = 0; c < vm->nr_vcpus; c++) {
		const struct vcpu *v = &vm->vcpus[c];

		if (vcpu != MOAT_XSTAT_ALL_VCPUS && c != vcpu)
			continue;
		if (reason == EXIT_R_HVC_FAST) {
			count += READ_ONCE(v->ctx.fast_hvc);
		} else if (reason == EXIT_R_SYSREG_FAST) {
			count += READ_ONCE(v->ctx.fast_id);
		} else {
			count += READ_ONCE(v->xstats.r[reason].count) +
				 READ_ONCE(v->xstats.fast[reason]);
			ticks += READ_ONCE(v->xstats.r[reason].ticks);
		}
	}
	caller->ctx.x[1] = ticks;
unlock:
	spin_unlock(&hosted_lock);
	return err ? err : (s64)(count & ~(1ULL << 63));
}

static s64 hosted_exit_stats_reset(struct vm *host, u64 handle)
{
	struct vm *vm;

	spin_lock(&hosted_lock);
	vm = stats_vm(host, handle);
	if (vm)
		vm_exit_stats_zero(vm);
	spin_unlock(&hosted_lock);
	return vm ? 0 : refuse(host, MOAT_ENOENT, "EXIT_STATS_RESET: no VM %llu", (unsigned long long)handle);
}

s64 hosted_call(struct vcpu *v)
{
	struct vm *host = v->vm;
	const u64 *x = v->ctx.x;

	/* Only the host: to any other VM these calls do not exist. */
	if (!host->host)
		return SMCCC_RET_NOT_SUPPORTED;
	switch ((u32)x[0]) {
	case MOAT_HC_HOST_VERSION:
		return MOAT_HOST_ABI_VERSION;
	case MOAT_HC_VM_DONATION: {
		u64 pages = hosted_donation_pages(x[1], x[2]);

		return pages ? (s64)pages : refuse(host, MOAT_EINVAL, "VM_DONATION(%llu, %llu)",
						   (unsigned long long)x[1], (unsigned long long)x[2]);
	}
	case MOAT_HC_VM_CREATE:
		return hosted_vm_create(host, x[1], x[2], x[3]);
	case MOAT_HC_VM_MAP:
		return hosted_vm_map(host, x[1], x[2], x[3], x[4]);
	case MOAT_HC_VCPU_INIT:
		return hosted_vcpu_init(host, x[1], x[2], x[3], x[4]);
	case MOAT_HC_VCPU_RUN:
		return hosted_vcpu_run(v, x[1], x[2], x[3]);
	case MOAT_HC_VM_IRQ_LINE:
		return hosted_irq_line(host, x[1], x[2], x[3]);
	case MOAT_HC_VM_DESTROY:
		return hosted_vm_destroy(host, x[1]);
	case MOAT_HC_MEM_CHECK:
		return hosted_mem_check(host);
	case MOAT_HC_MEM_STATS:
		return hosted_mem_stats(host, x[1]);
	case MOAT_HC_EXIT_STATS:
		return hosted_exit_stats(v, x[1], x[2], x[3]);
	case MOAT_HC_EXIT_STATS_RESET:
		return hosted_exit_stats_reset(host, x[1]);
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}
