/* SPDX-License-Identifier: MIT */
/*
 * Attack suite, memory outside the VM (stage 2). The attacker VM
 * (configs/attack_mem.dts, beside the bystander) tries to reach memory it
 * was not given: the rest of physical RAM (moat's and the bystander's),
 * the GIC's ITS and hypervisor frames, devices not given to it, the page
 * after its passed-through device; with its MMU on, stage-1 tables and
 * mappings that point outside its RAM or into emulated MMIO; exclusive
 * and atomic accesses, DC ZVA and instruction fetch on emulated MMIO; cache
 * maintenance by VA and by set/way. Every access outside must come back
 * as an abort at the guest's own vector (or, for cache maintenance, do
 * nothing); emulated registers must be unchanged by refused accesses.
 */
#include "attack_lib.h"
#include "gic.h"

GUEST_PLAN(39);

#define MiB		0x100000ULL
#define TESTDEV		MOAT_TESTDEV_BASE
#define SCRATCH		(TESTDEV + MOAT_TESTDEV_SCRATCH)
#define SCRATCH_VAL	0x5343524154434821ULL

/* Stage-1 descriptors (4 KiB granule). */
#define DESC_TABLE	3ULL
#define DESC_BLOCK	1ULL
#define DESC_AF		(1ULL << 10)
#define DESC_ATTR(i)	((uint64_t)(i) << 2)
#define ATTR_DEVICE	0	/* MAIR attr0: Device-nGnRnE */
#define ATTR_NORMAL	1	/* MAIR attr1: Normal, non-cacheable */
#define PAR_F		1ULL

/* VAs of the traps the stage-1 tables set (each 2 MiB, in L2 of VA 0..1 GiB). */
#define VA_TABLE_OUT	0x20000000ULL	/* L3 table at an IPA outside RAM */
#define VA_TABLE_MMIO	0x20200000ULL	/* L3 table in the emulated test device */
#define VA_BLOCK_OUT	0x20400000ULL	/* Normal block at IPA 0x7fe00000 (outside RAM) */
#define VA_BLOCK_MMIO	0x20600000ULL	/* Normal block over the test device */
#define IPA_OUT		0x7fe00000ULL

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));

static void mmu_on(void)
{
	uint64_t normal = DESC_AF | DESC_ATTR(ATTR_NORMAL) | DESC_BLOCK;
	uint64_t device = DESC_AF | DESC_ATTR(ATTR_DEVICE) | DESC_BLOCK | (3ULL << 53);

	l1[0] = (uint64_t)(uintptr_t)l2 | DESC_TABLE;
	l1[1] = 0x40000000ULL | normal;			/* own RAM and what follows, 1:1 */
	for (uint64_t a = 0x08000000; a < 0x0c000000; a += 2 * MiB)
		l2[a >> 21] = a | device;		/* the device window, 1:1 */
	l2[VA_TABLE_OUT >> 21] = 0x7ff00000ULL | DESC_TABLE;
	l2[VA_TABLE_MMIO >> 21] = TESTDEV | DESC_TABLE;
	l2[VA_BLOCK_OUT >> 21] = IPA_OUT | normal;
	l2[VA_BLOCK_MMIO >> 21] = (TESTDEV & ~(2 * MiB - 1)) | normal;
	dsb(sy);
	write_sysreg(0x4400ULL, mair_el1);
	/* T0SZ 25 (39-bit VAs, walk from level 1), 4K, non-cacheable walks, no TTBR1, IPS 40 bits. */
	write_sysreg(25ULL | (1ULL << 23) | (2ULL << 32), tcr_el1);
	write_sysreg((uint64_t)(uintptr_t)l1, ttbr0_el1);
	isb();
	__asm__ volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	/* M on; A (alignment checks), C and I stay off. */
	write_sysreg((read_sysreg(sctlr_el1) | 1ULL) & ~(1ULL << 1), sctlr_el1);
	isb();
}

static void mmu_off(void)
{
	write_sysreg(read_sysreg(sctlr_el1) & ~1ULL, sctlr_el1);
	isb();
	__asm__ volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	isb();
}

/* AT S1E1R/W at va: either PAR_EL1.F = 1 or a data abort on the AT; never a PA. */
static bool at_gives_no_pa(const char *what, uint64_t va, bool write)
{
	struct insn_try t;

	if (write)
		TRY_INSN(&t, "at s1e1w, " TRY_IN "\n isb\n mrs " TRY_V ", par_el1", 0, va);
	else
		TRY_INSN(&t, "at s1e1r, " TRY_IN "\n isb\n mrs " TRY_V ", par_el1", 0, va);
	bool ok = t.continued && (t.taken ? ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR : (t.val & PAR_F));

	if (!ok)
		detail_try(what, &t);
	return ok;
}

static bool scratch_is(uint64_t want)
{
	uint64_t v = mmio_read64(SCRATCH);

	if (v != want)
		printf("detail: test device SCRATCH 0x%lx, expected 0x%lx\n", v, want);
	return v == want;
}

static bool range_aborts(uint64_t from, uint64_t to, uint64_t step, const char *what)
{
	unsigned bad = 0, n = 0;

	for (uint64_t a = from; a < to; a += step, n++)
		if (!load_store_abort(what, a))
			bad++;
	if (bad)
		printf("detail: %s: %u of %u addresses did not abort\n", what, bad, n);
	return bad == 0;
}

static void cache_maintenance(void)
{
	struct insn_try t;
	bool ok = true;

	/* By VA on IPAs outside RAM: no effect, or an abort; execution goes on. */
	static const uint64_t outside[] = { 0x0, GUEST_RAM_END, 0x7ff00000, 0x09020000, 0x4010000000 };

	for (unsigned i = 0; i < 5; i++) {
		TRY_INSN(&t, "dc ivac, " TRY_IN, 0, outside[i]);
		ok = ok && t.continued && (!t.taken || ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR);
		if (!ok)
			detail_try("dc ivac", &t);
	}
	ATTACK(ok, "mem", "DC IVAC (invalidate, discarding data) on IPAs outside RAM is refused or harmless");
	ok = true;
	for (unsigned i = 0; i < 5; i++) {
		TRY_INSN(&t, "dc civac, " TRY_IN "\n dc cvac, " TRY_IN "\n dc cvau, " TRY_IN, 0, outside[i]);
		ok = ok && t.continued && (!t.taken || ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR);
		if (!ok)
			detail_try("dc civac/cvac/cvau", &t);
	}
	ATTACK(ok, "mem", "DC CIVAC, CVAC, CVAU on IPAs outside RAM are refused or harmless");
	ok = true;
	for (unsigned i = 0; i < 5; i++) {
		TRY_INSN(&t, "ic ivau, " TRY_IN, 0, outside[i]);
		ok = ok && t.continued && (!t.taken || ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR);
		if (!ok)
			detail_try("ic ivau", &t);
	}
	ATTACK(ok, "mem", "IC IVAU on IPAs outside RAM is refused or harmless");

	/* Set/way: HCR_EL2.SWIO makes invalidation clean first; every set/way of every level. */
	unsigned undefs = 0;

	for (uint64_t level = 0; level < 7; level++) {
		for (uint64_t sw = 0; sw < (1ULL << 20); sw += 0x1041) {
			uint64_t v = (sw << 4) | (level << 1);

			TRY_INSN(&t, "dc isw, " TRY_IN "\n dc csw, " TRY_IN "\n dc cisw, " TRY_IN, 0, v);
			undefs += t.taken;
		}
	}
	if (undefs)
		detail_try("dc isw/csw/cisw", &t);
	ATTACK(undefs == 0, "mem", "DC ISW, CSW, CISW over every level and many sets and ways are harmless");
}

/*
 * At boot its RAM outside its image, stack and the DTB (in the last 2 MiB)
 * must be zero: nothing left over from moat or from another VM.
 */
static void boot_ram_attacks(uint64_t from, uint64_t to)
{
	uint64_t nonzero = 0, first = 0;

	for (uint64_t a = from; a < to; a += 8) {
		if (*(volatile uint64_t *)a && !nonzero++)
			first = a;
	}
	if (nonzero)
		printf("detail: %lu non-zero words in free RAM, first at 0x%lx: 0x%lx\n", nonzero, first,
		       *(volatile uint64_t *)first);
	ATTACK(nonzero == 0, "mem", "its free RAM at boot is all zero (nothing of moat or another VM)");
}

int main(void)
{
	uint64_t image_end = ((uint64_t)(uintptr_t)__image_end + MiB - 1) & ~(MiB - 1);

	boot_ram_attacks((uint64_t)(uintptr_t)__image_end, GUEST_RAM_END - 2 * MiB);
	mmio_write64(SCRATCH, SCRATCH_VAL);

	/* Stage 2, MMU off: everything it was not given aborts. */
	ATTACK(load_store_abort("end of RAM", GUEST_RAM_END) &&
	       load_store_abort("last word before RAM", GUEST_RAM_BASE - 8),
	       "mem", "load and store just past either end of RAM abort");
	ATTACK(range_aborts(GUEST_RAM_END, 0x80000000ULL, 2 * MiB, "physical RAM"),
	       "mem", "the rest of physical RAM (moat, other VMs) aborts, every 2 MiB to 2 GiB");
	ATTACK(range_aborts(0x80000000ULL, 0x200000000ULL, 64 * MiB, "beyond RAM"),
	       "mem", "IPAs 2 GiB to 8 GiB abort");
	ATTACK(load_store_abort("IPA 0", 0) && load_store_abort("flash", 0x04000000),
	       "mem", "flash (IPA 0, 0x04000000) aborts");
	ATTACK(range_aborts(0x08080000, 0x080a0000, 0x4000, "ITS"),
	       "mem", "the GIC ITS frame (0x08080000) aborts");
	ATTACK(range_aborts(0x08010000, 0x08050000, 0x4000, "GICv2 frames"),
	       "mem", "GIC CPU, V2M, GICH and GICV windows (0x08010000-0x08050000) abort");
	ATTACK(range_aborts(gicr_base(1), gicr_base(1) + 2 * GICR_STRIDE, 0x4000, "GICR"),
	       "mem", "redistributor frames of vCPUs it does not have abort");
	ATTACK(load_store_abort("PL031", 0x09010000), "mem", "PL031 RTC (not given) aborts");
	ATTACK(load_store_abort("fw_cfg", 0x09020000) && load_store_abort("fw_cfg DMA", 0x09020010),
	       "mem", "fw_cfg and its DMA register (not given) abort");
	ATTACK(load_store_abort("page after passthrough", 0x09031000) &&
	       load_store_abort("page before passthrough", 0x0902f000),
	       "mem", "the pages either side of its passed-through device abort");
	ATTACK(range_aborts(0x0a000000, 0x0a004000, 0x200, "virtio-mmio"),
	       "mem", "virtio-mmio transports (not given) abort");
	ATTACK(load_store_abort("PCIe MMIO", 0x10000000) && load_store_abort("PCIe PIO", 0x3eff0000) &&
	       load_store_abort("PCIe ECAM", 0x3f000000) && load_store_abort("high ECAM", 0x4010000000ULL),
	       "mem", "PCIe MMIO, PIO and ECAM windows abort");
	ATTACK(load_store_abort("secure RAM", 0x0e000000) && load_store_abort("platform bus", 0x0c000000),
	       "mem", "secure memory and platform-bus windows abort");
	ATTACK(load_store_abort("top of 48-bit IPA space", 0xfffffffff000ULL) &&
	       load_store_abort("1 TiB", 0x10000000000ULL),
	       "mem", "IPAs at 1 TiB and at the top of the 48-bit space abort");
	ATTACK(fetch_aborts(0x48000000) && fetch_aborts(0x7ff00000),
	       "mem", "instruction fetch from physical RAM outside its own aborts");
	ATTACK(fetch_aborts(GICD_BASE) && fetch_aborts(TESTDEV),
	       "mem", "instruction fetch from emulated MMIO (GICD, test device) aborts");

	/* Exclusive and atomic accesses to emulated MMIO (MMU off: Device memory). */
	{
		struct insn_try t;

		TRY_INSN(&t, "ldxr " TRY_V ", [" TRY_IN "]", 0, SCRATCH);
		if (!dabt_at_el1(&t, SCRATCH))
			detail_try("ldxr", &t);
		ATTACK(dabt_at_el1(&t, SCRATCH), "mem", "LDXR on emulated MMIO aborts");
		TRY_INSN(&t, "ldxr x17, [" TRY_IN "]\n stxr w16, " TRY_V ", [" TRY_IN "]",
			 0x1111111111111111ULL, SCRATCH);
		bool ok = t.taken && t.continued && ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR;

		if (!ok)
			detail_try("stxr", &t);
		ATTACK(ok && scratch_is(SCRATCH_VAL), "mem",
		       "STXR on emulated MMIO aborts and leaves the register unchanged");
		TRY_INSN(&t, "ldaxr " TRY_V ", [" TRY_IN "]", 0, SCRATCH);
		ATTACK(dabt_at_el1(&t, SCRATCH), "mem", "LDAXR on emulated MMIO aborts");
		TRY_INSN(&t, ".arch_extension lse\n ldadd " TRY_V ", " TRY_V ", [" TRY_IN "]", 1, SCRATCH);
		if (!dabt_at_el1(&t, SCRATCH))
			detail_try("ldadd", &t);
		ATTACK(dabt_at_el1(&t, SCRATCH) && scratch_is(SCRATCH_VAL), "mem",
		       "LDADD on emulated MMIO aborts and leaves the register unchanged");
		TRY_INSN(&t, ".arch_extension lse\n mov x16, #7\n cas " TRY_V ", x16, [" TRY_IN "]",
			 SCRATCH_VAL, SCRATCH);
		ok = t.taken && t.continued && ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR;
		if (!ok)
			detail_try("cas", &t);
		ATTACK(ok && scratch_is(SCRATCH_VAL), "mem",
		       "CAS on emulated MMIO aborts and leaves the register unchanged");
		TRY_INSN(&t, ".arch_extension lse\n swp " TRY_V ", " TRY_V ", [" TRY_IN "]", 2, GICD_BASE);
		ATTACK(dabt_at_el1(&t, GICD_BASE), "mem", "SWP on the emulated GIC distributor aborts");
	}

	cache_maintenance();

	/* Stage 1 with the MMU on, pointing where the VM has no memory. */
	mmu_on();
	{
		struct insn_try t;

		ATTACK(load_store_abort("via table outside RAM", VA_TABLE_OUT + 0x10),
		       "mem", "MMU on: access through a stage-1 table outside RAM aborts");
		ATTACK(at_gives_no_pa("AT via table outside RAM", VA_TABLE_OUT, false) &&
		       at_gives_no_pa("AT W via table outside RAM", VA_TABLE_OUT + 0x1000, true),
		       "mem", "MMU on: AT S1E1R/W through a stage-1 table outside RAM gives no PA");
		ATTACK(load_store_abort("via table in MMIO", VA_TABLE_MMIO + 0x18),
		       "mem", "MMU on: access through a stage-1 table in emulated MMIO aborts");
		ATTACK(at_gives_no_pa("AT via table in MMIO", VA_TABLE_MMIO, false),
		       "mem", "MMU on: AT S1E1R through a stage-1 table in emulated MMIO gives no PA");
		ATTACK(load_store_abort("mapped outside RAM", VA_BLOCK_OUT + 0x1238),
		       "mem", "MMU on: access to a VA mapped outside RAM aborts with FAR = VA");
		TRY_INSN(&t, "dc zva, " TRY_IN, 0, VA_BLOCK_OUT + 0x40);
		if (!(t.taken && t.continued && ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR))
			detail_try("dc zva outside", &t);
		ATTACK(t.taken && t.continued && ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR,
		       "mem", "MMU on: DC ZVA on a VA mapped outside RAM aborts");
		TRY_INSN(&t, "dc zva, " TRY_IN, 0, VA_BLOCK_MMIO + (TESTDEV & (2 * MiB - 1)));
		if (!(t.taken && t.continued && ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR))
			detail_try("dc zva mmio", &t);
		ATTACK(t.taken && t.continued && ESR_EC(t.exc.esr) == ESR_EC_DABT_CUR &&
		       scratch_is(SCRATCH_VAL),
		       "mem", "MMU on: DC ZVA on emulated MMIO mapped Normal aborts, register unchanged");
		uint64_t va = VA_BLOCK_MMIO + (SCRATCH & (2 * MiB - 1));

		TRY_INSN(&t, "ldxr " TRY_V ", [" TRY_IN "]", 0, va);
		if (!dabt_at_el1(&t, va))
			detail_try("ldxr normal", &t);
		ATTACK(dabt_at_el1(&t, va), "mem", "MMU on: LDXR on emulated MMIO mapped Normal aborts");
		TRY_INSN(&t, ".arch_extension lse\n stadd " TRY_V ", [" TRY_IN "]", 5, va);
		if (!dabt_at_el1(&t, va))
			detail_try("stadd normal", &t);
		ATTACK(dabt_at_el1(&t, va) && scratch_is(SCRATCH_VAL),
		       "mem", "MMU on: STADD on emulated MMIO mapped Normal aborts, register unchanged");
		ATTACK(fetch_aborts(va), "mem", "MMU on: fetch from emulated MMIO mapped Normal aborts");
	}
	mmu_off();

	/* Scribble over all the free RAM it has; the bystander must not notice. */
	{
		uint64_t bad = 0;

		for (uint64_t a = image_end; a < GUEST_RAM_END - 2 * MiB; a += 8)
			*(volatile uint64_t *)a = 0xa5a5a5a5a5a5a5a5ULL ^ a;
		for (uint64_t a = image_end; a < GUEST_RAM_END - 2 * MiB; a += 8)
			bad += *(volatile uint64_t *)a != (0xa5a5a5a5a5a5a5a5ULL ^ a);
		ATTACK(bad == 0, "mem", "writing all of its own RAM stays in its own RAM");
	}
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0 && scratch_is(SCRATCH_VAL),
	       "mem", "after all that, moat still answers and its test device kept its value");
	return 0;
}
