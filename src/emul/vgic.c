// SPDX-License-Identifier: MIT
/*
 * vGICv3 model: distributor and redistributor register emulation,
 * per-interrupt state, list-register flush/sync. See vgic.h for the
 * interface and locking, docs/vgic.md for the model.
 *
 * Choices, in short (docs/vgic.md has the reasons):
 * - Single security state: GICD_CTLR.DS = 1 (as the guest sees it), so
 *   IGROUPR selects Group 0 or Group 1, IGRPMODR and NSACR are RAZ/WI.
 * - Affinity routing only: GICD_CTLR.ARE = 1 (RAO/WI); the distributor's
 *   SGI/PPI rows, ITARGETSR and the legacy SGI registers are RAZ/WI.
 * - No LPIs, no ITS, no extended SPI/PPI ranges, no MBIs.
 * - IROUTER.IRM = 1 (1 of N) delivers to vCPU 0.
 */
#include <string.h>

#include "emul/vgic.h"
#include "lib/err.h"
#include "lib/log.h"

/* ---- Distributor registers (offsets from GICD base) ---- */
#define GICD_CTLR		0x0000
#define GICD_CTLR_EnableGrp0	BIT(0)
#define GICD_CTLR_EnableGrp1	BIT(1)
#define GICD_CTLR_ARE		BIT(4)	/* ARE_NS in the two-security-state view */
#define GICD_CTLR_DS		BIT(6)
#define GICD_CTLR_RWP		BIT(31)
#define GICD_TYPER		0x0004
#define GICD_TYPER_ITLinesNumber GENMASK(4, 0)
#define GICD_TYPER_CPUNumber	GENMASK(7, 5)
#define GICD_TYPER_IDbits	GENMASK(23, 19)
#define GICD_TYPER_A3V		BIT(24)
#define GICD_TYPER_No1N		BIT(25)
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_STATUSR		0x0010
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ITARGETSR		0x0800
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_NSACR		0x0e00
#define GICD_SGIR		0x0f00
#define GICD_CPENDSGIR		0x0f10
#define GICD_SPENDSGIR		0x0f20
#define GICD_IROUTER		0x6000	/* + 8 * INTID, INTID >= 32 */
#define GICD_IROUTER_Aff0	GENMASK(7, 0)
#define GICD_IROUTER_Aff1	GENMASK(15, 8)
#define GICD_IROUTER_Aff2	GENMASK(23, 16)
#define GICD_IROUTER_IRM	BIT(31)
#define GICD_IROUTER_Aff3	GENMASK(39, 32)
#define GICD_IROUTER_MASK	(GICD_IROUTER_Aff0 | GICD_IROUTER_Aff1 | GICD_IROUTER_Aff2 | \
				 GICD_IROUTER_IRM | GICD_IROUTER_Aff3)
#define GICD_IDREGS		0xffd0
#define GICD_PIDR2		0xffe8
#define GIC_PIDR2_ArchRev	GENMASK(7, 4)

#define GICD_IIDR_Implementer	GENMASK(11, 0)
#define GICD_IIDR_Revision	GENMASK(15, 12)
#define GICD_IIDR_Variant	GENMASK(19, 16)
#define GICD_IIDR_ProductID	GENMASK(31, 24)
/* Arm's JEP106 code (as KVM's emulated GIC reports), product 'M' for moat. */
#define VGIC_IIDR	(FIELD_PREP(GICD_IIDR_Implementer, 0x43b) | FIELD_PREP(GICD_IIDR_ProductID, 'M'))
#define VGIC_PIDR2	FIELD_PREP(GIC_PIDR2_ArchRev, 3)	/* GICv3 */

/* ---- Redistributor RD_base frame ---- */
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_TYPER_Last		BIT(4)
#define GICR_TYPER_Processor_Number GENMASK(23, 8)
#define GICR_TYPER_Affinity_Value GENMASK(63, 32)
#define GICR_STATUSR		0x0010
#define GICR_WAKER		0x0014
#define GICR_WAKER_ProcessorSleep BIT(1)
#define GICR_WAKER_ChildrenAsleep BIT(2)
#define GICR_IDREGS		0xffd0
#define GICR_PIDR2		0xffe8
/* ---- Redistributor SGI_base frame (offsets within it) ---- */
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ISPENDR0		0x0200
#define GICR_ICPENDR0		0x0280
#define GICR_ISACTIVER0		0x0300
#define GICR_ICACTIVER0		0x0380
#define GICR_IPRIORITYR0	0x0400	/* ..0x041f */
#define GICR_ICFGR0		0x0c00
#define GICR_ICFGR1		0x0c04
#define GICR_IGRPMODR0		0x0d00
#define GICR_NSACR		0x0e00

/* ---- ICC_SGI1R_EL1 / ICC_SGI0R_EL1 ---- */
#define ICC_SGI1R_EL1_TargetList GENMASK(15, 0)
#define ICC_SGI1R_EL1_Aff1	GENMASK(23, 16)
#define ICC_SGI1R_EL1_INTID	GENMASK(27, 24)
#define ICC_SGI1R_EL1_Aff2	GENMASK(39, 32)
#define ICC_SGI1R_EL1_IRM	BIT(40)
#define ICC_SGI1R_EL1_RS	GENMASK(47, 44)
#define ICC_SGI1R_EL1_Aff3	GENMASK(55, 48)

/* MPIDR_EL1 affinity fields (same positions as in IROUTER). */
#define MPIDR_EL1_Aff0		GENMASK(7, 0)
#define MPIDR_EL1_Aff1		GENMASK(15, 8)
#define MPIDR_EL1_Aff2		GENMASK(23, 16)
#define MPIDR_EL1_Aff3		GENMASK(39, 32)
#define MPIDR_AFF_MASK		(MPIDR_EL1_Aff0 | MPIDR_EL1_Aff1 | MPIDR_EL1_Aff2 | MPIDR_EL1_Aff3)

/* Access sizes a register accepts, as a mask of byte counts. */
#define SZ_B	1u
#define SZ_W	4u
#define SZ_D	8u

/*
 * Log-once classes (bits of g->warned): guest nonsense is reported once
 * per class per VM, so a guest sweeping the whole frame prints a bounded
 * number of lines and one VM cannot silence another's reports.
 */
enum {
	W_DIST_UNIMPL = 0,	/* + 4 KiB page of the GICD frame: 16 classes */
	W_RD_UNIMPL = 16,	/* + page of the RD_base frame */
	W_SGI_UNIMPL = 32,	/* + page of the SGI_base frame */
	W_DIST_SIZE = 48,
	W_RD_SIZE,
	W_SGI_SIZE,
	W_RD_BADCPU,
	W_BAD_CALL,
	W_SYNC,
	W_FLUSH_BUSY,
};

enum bank { B_IGROUPR, B_ISENABLER, B_ICENABLER, B_ISPENDR, B_ICPENDR, B_ISACTIVER, B_ICACTIVER };

static void warn_once(struct vgic *g, u32 cls, const char *what, u64 off, u32 size)
{
	if (g->warned & BIT(cls))
		return;
	g->warned |= BIT(cls);
	log_printf(LOG_WARN, "vgic: guest %s, offset 0x%llx size %u (reported once)", what,
		   (unsigned long long)off, size);
}

static bool size_ok(u64 off, u32 size, u32 allowed)
{
	return size && !(size & (size - 1)) && (size & allowed) && IS_ALIGNED(off, size);
}

/* ---- Interrupt state ---- */

struct vgic_irq *vgic_irq_lookup(struct vgic *g, u32 vcpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < g->nr_vcpus ? &g->cpu[vcpu].priv[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < g->nr_spis)
		return &g->spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/* Pending as GICD_ISPENDR shows it, ignoring a latch parked in a list register. */
static bool irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && !irq->hw_intid && irq->level);
}

/* What ISPENDR reads: including a latch that is in a list register right now. */
static bool irq_pending_view(const struct vgic_irq *irq)
{
	return irq_pending(irq) ||
	       (irq->lr_vcpu != VGIC_NO_VCPU && irq->lr_latch && !irq->pend_dirty);
}

static bool group_enabled(const struct vgic *g, const struct vgic_irq *irq)
{
	return g->ctlr & (irq->group1 ? GICD_CTLR_EnableGrp1 : GICD_CTLR_EnableGrp0);
}

/*
 * Can the guest be signalled about @irq now? A level-sensitive or
 * hardware-linked interrupt is not re-signalled while active (its line is
 * resampled after the guest's EOI); an edge can be pending and active.
 */
bool vgic_irq_deliverable(const struct vgic *g, const struct vgic_irq *irq)
{
	if (!irq_pending(irq) || !irq->enabled || !group_enabled(g, irq))
		return false;
	return !irq->active || (irq->edge && !irq->hw_intid);
}

u32 vgic_irq_dest(const struct vgic_irq *irq)
{
	if (irq->intid >= VGIC_NR_PRIVATE && irq->active)
		return irq->act_vcpu;
	return irq->target;
}

/* ---- Tracking sets: which interrupts may be pending or active ---- */

/* After anything that may have made @irq pending or active. */
static void track(struct vgic *g, const struct vgic_irq *irq)
{
	u32 n = irq->intid - VGIC_NR_PRIVATE;

	/* A private interrupt's target is always its redistributor's vCPU. */
	if (irq->intid < VGIC_NR_PRIVATE)
		g->cpu[irq->target].priv_track |= (u32)BIT(irq->intid);
	else
		g->spi_track[n / 64] |= BIT(n % 64);
}

static void untrack(struct vgic *g, const struct vgic_irq *irq)
{
	u32 n = irq->intid - VGIC_NR_PRIVATE;

	if (irq->intid < VGIC_NR_PRIVATE)
		g->cpu[irq->target].priv_track &= ~(u32)BIT(irq->intid);
	else
		g->spi_track[n / 64] &= ~BIT(n % 64);
}

bool vgic_irq_tracked(const struct vgic *g, const struct vgic_irq *irq)
{
	u32 n = irq->intid - VGIC_NR_PRIVATE;

	if (irq->intid < VGIC_NR_PRIVATE)
		return g->cpu[irq->target].priv_track & BIT(irq->intid);
	return g->spi_track[n / 64] & BIT(n % 64);
}

/*
 * Calls @fn for every tracked interrupt @vcpu may have to see: its own
 * private ones and all tracked SPIs. Ones neither pending nor active (and
 * in no list register) leave the set. Stops when @fn returns true.
 */
static inline __attribute__((always_inline)) bool
for_each_tracked(struct vgic *g, u32 vcpu, void *ctx,
			     bool (*fn)(struct vgic *g, u32 vcpu, struct vgic_irq *irq, void *ctx))
{
	struct vgic_cpu *c = &g->cpu[vcpu];

	for (u32 m = c->priv_track; m; m &= m - 1) {
		struct vgic_irq *irq = &c->priv[__builtin_ctz(m)];

		if (!irq_pending(irq) && !irq->active && irq->lr_vcpu == VGIC_NO_VCPU)
			untrack(g, irq);
		else if (fn(g, vcpu, irq, ctx))
			return true;
	}
	for (u32 w = 0; w < (g->nr_spis + 63) / 64; w++) {
		for (u64 m = g->spi_track[w]; m; m &= m - 1) {
			struct vgic_irq *irq = &g->spi[w * 64 + (u32)__builtin_ctzll(m)];

			if (!irq_pending(irq) && !irq->active && irq->lr_vcpu == VGIC_NO_VCPU)
				untrack(g, irq);
			else if (fn(g, vcpu, irq, ctx))
				return true;
		}
	}
	return false;
}

/* vCPUs to kick after @irq changed: where it is deliverable, and whose LR holds it. */
static u32 irq_kick_mask(const struct vgic *g, const struct vgic_irq *irq, bool changed)
{
	u32 m = 0, d = vgic_irq_dest(irq);

	if (changed && irq->lr_vcpu < g->nr_vcpus)
		m |= BIT(irq->lr_vcpu);
	if (d < g->nr_vcpus && vgic_irq_deliverable(g, irq) &&
	    (irq->lr_vcpu == VGIC_NO_VCPU || irq->lr_vcpu == d))
		m |= BIT(d);
	return m;
}

static void note_change(struct vgic *g, const struct vgic_irq *irq)
{
	track(g, irq);
	g->kicks |= irq_kick_mask(g, irq, true);
}

static u8 route(const struct vgic *g, u64 irouter)
{
	if (irouter & GICD_IROUTER_IRM)
		return 0;
	for (u32 v = 0; v < g->nr_vcpus; v++)
		if ((g->cpu[v].mpidr & MPIDR_AFF_MASK) == (irouter & MPIDR_AFF_MASK))
			return (u8)v;
	return VGIC_NO_VCPU;
}

static void irq_reset(struct vgic_irq *irq, u32 intid, u8 target)
{
	u16 hw = irq->hw_intid;

	memset(irq, 0, sizeof(*irq));
	irq->intid = (u16)intid;
	irq->hw_intid = hw;
	irq->group1 = true;	/* like KVM: a guest that never writes IGROUPR gets IRQs, not FIQs */
	irq->edge = intid < VGIC_NR_SGIS;
	irq->target = target;
	irq->act_vcpu = target;
	irq->lr_vcpu = VGIC_NO_VCPU;
}

static void reset_locked(struct vgic *g)
{
	g->ctlr = 0;
	g->kicks = 0;
	memset(g->spi_track, 0, sizeof(g->spi_track));
	for (u32 v = 0; v < g->nr_vcpus; v++) {
		struct vgic_cpu *c = &g->cpu[v];

		c->waker = GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep;
		c->lrs_live = false;
		c->nr_lr_used = 0;
		c->priv_track = 0;
		for (u32 i = 0; i < VGIC_NR_PRIVATE; i++)
			irq_reset(&c->priv[i], i, (u8)v);
	}
	for (u32 i = 0; i < g->nr_spis; i++) {
		g->irouter[i] = 0;
		irq_reset(&g->spi[i], VGIC_NR_PRIVATE + i, route(g, 0));
	}
}

int vgic_init(struct vgic *g, u32 nr_vcpus, const u64 *mpidrs, u32 nr_spis)
{
	if (!g || !mpidrs || !nr_vcpus || nr_vcpus > VGIC_MAX_VCPUS)
		return -EINVAL;
	nr_spis = ALIGN_UP(nr_spis, 32u);
	if (nr_spis > VGIC_MAX_SPIS)
		nr_spis = VGIC_MAX_SPIS;
	for (u32 a = 0; a < nr_vcpus; a++)
		for (u32 b = a + 1; b < nr_vcpus; b++)
			if ((mpidrs[a] & MPIDR_AFF_MASK) == (mpidrs[b] & MPIDR_AFF_MASK))
				return -EINVAL;
	memset(g, 0, sizeof(*g));
	g->lock = (spinlock_t)SPINLOCK_INIT;
	g->nr_vcpus = nr_vcpus;
	g->nr_spis = nr_spis;
	for (u32 v = 0; v < nr_vcpus; v++)
		g->cpu[v].mpidr = mpidrs[v] & MPIDR_AFF_MASK;
	reset_locked(g);
	return 0;
}

void vgic_reset(struct vgic *g)
{
	spin_lock(&g->lock);
	g->gen++;
	reset_locked(g);
	spin_unlock(&g->lock);
}

u64 vgic_redist_size(const struct vgic *g)
{
	return (u64)g->nr_vcpus * VGIC_REDIST_STRIDE;
}

u32 vgic_take_kicks(struct vgic *g)
{
	u32 k;

	spin_lock(&g->lock);
	k = g->kicks;
	g->kicks = 0;
	spin_unlock(&g->lock);
	return k;
}

/* ---- Registers with one bit per interrupt, shared by GICD and GICR ---- */

static u32 bank_read(struct vgic *g, u32 vcpu, u32 base, enum bank b)
{
	u32 val = 0;

	for (u32 i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, base + i);
		bool bit = false;

		if (!irq)
			continue;
		switch (b) {
		case B_IGROUPR:
			bit = irq->group1;
			break;
		case B_ISENABLER:
		case B_ICENABLER:
			bit = irq->enabled;
			break;
		case B_ISPENDR:
		case B_ICPENDR:
			bit = irq_pending_view(irq);
			break;
		case B_ISACTIVER:
		case B_ICACTIVER:
			bit = irq->active;
			break;
		}
		if (bit)
			val |= 1u << i;
	}
	return val;
}

static void bank_write(struct vgic *g, u32 vcpu, u32 base, enum bank b, u32 val)
{
	for (u32 i = 0; i < 32; i++) {
		struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, base + i);
		bool bit = val & (1u << i);
		bool in_lr;

		if (!irq || (b != B_IGROUPR && !bit))
			continue;
		in_lr = irq->lr_vcpu != VGIC_NO_VCPU;
		switch (b) {
		case B_IGROUPR:
			if (irq->group1 == bit)
				continue;
			irq->group1 = bit;
			break;
		case B_ISENABLER:
			irq->enabled = true;
			break;
		case B_ICENABLER:
			irq->enabled = false;
			break;
		case B_ISPENDR:
			irq->pending_latch = true;
			break;
		case B_ICPENDR:
			irq->pending_latch = false;
			if (in_lr)
				irq->pend_dirty = true;
			break;
		case B_ISACTIVER:
			if (!irq->active && irq->intid >= VGIC_NR_PRIVATE)
				irq->act_vcpu = irq->target;
			irq->active = true;
			if (in_lr)
				irq->act_dirty = true;
			break;
		case B_ICACTIVER:
			irq->active = false;
			if (in_lr)
				irq->act_dirty = true;
			break;
		}
		note_change(g, irq);
	}
}

/* IPRIORITYR: one byte per interrupt, @size bytes from @intid. */
static u64 prio_read(struct vgic *g, u32 vcpu, u32 intid, u32 size)
{
	u64 val = 0;

	for (u32 i = 0; i < size; i++) {
		const struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, intid + i);

		if (irq)
			val |= (u64)irq->priority << (8 * i);
	}
	return val;
}

static void prio_write(struct vgic *g, u32 vcpu, u32 intid, u32 size, u64 val)
{
	for (u32 i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, intid + i);

		if (irq) {
			irq->priority = (u8)(val >> (8 * i));
			note_change(g, irq);
		}
	}
}

/* ICFGR row @row (16 interrupts, Int_config<n> at bit 2n+1: 1 = edge). SGIs are RO edge. */
static u32 cfg_read(struct vgic *g, u32 vcpu, u32 row)
{
	u32 val = 0;

	for (u32 i = 0; i < 16; i++) {
		const struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, row * 16 + i);

		if (irq && irq->edge)
			val |= 2u << (2 * i);
	}
	return val;
}

static void cfg_write(struct vgic *g, u32 vcpu, u32 row, u32 val)
{
	for (u32 i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, row * 16 + i);

		if (!irq || irq->intid < VGIC_NR_SGIS)
			continue;
		irq->edge = val & (2u << (2 * i));
		note_change(g, irq);
	}
}

/* ---- Distributor ---- */

static u32 dist_ctlr(const struct vgic *g)
{
	return READ_ONCE(g->ctlr) | GICD_CTLR_ARE | GICD_CTLR_DS;
}

static u32 dist_typer(const struct vgic *g)
{
	return (u32)(FIELD_PREP(GICD_TYPER_ITLinesNumber, (VGIC_NR_PRIVATE + g->nr_spis + 31) / 32 - 1) |
		     FIELD_PREP(GICD_TYPER_IDbits, 9) | GICD_TYPER_A3V);
}

/* The bank register family at @off within [@lo, @lo + 0x80): its row, or -1. */
static int bank_row(u64 off, u64 lo)
{
	return off >= lo && off < lo + 0x80 ? (int)((off - lo) / 4) : -1;
}

static const struct {
	u64 base;
	enum bank b;
} dist_banks[] = {
	{ GICD_IGROUPR, B_IGROUPR },	 { GICD_ISENABLER, B_ISENABLER },
	{ GICD_ICENABLER, B_ICENABLER }, { GICD_ISPENDR, B_ISPENDR },
	{ GICD_ICPENDR, B_ICPENDR },	 { GICD_ISACTIVER, B_ISACTIVER },
	{ GICD_ICACTIVER, B_ICACTIVER },
};

/* One distributor access, g->lock held. Reads fill *val; bad accesses are RAZ/WI. */
static void dist_access(struct vgic *g, u64 off, u32 size, u64 *val, bool write)
{
	u64 v = write ? *val : 0;

	if (!write)
		*val = 0;

	/* Bank registers: IGROUPR .. ICACTIVER. Row 0 (SGIs/PPIs) is RAZ/WI with ARE. */
	if (off >= GICD_IGROUPR && off < GICD_ICACTIVER + 0x80) {
		for (u32 i = 0; i < ARRAY_SIZE(dist_banks); i++) {
			int row = bank_row(off, dist_banks[i].base);

			if (row < 0)
				continue;
			if (!size_ok(off, size, SZ_W))
				goto bad_size;
			if (row == 0)
				return;
			if (write)
				bank_write(g, 0, (u32)row * 32, dist_banks[i].b, (u32)v);
			else
				*val = bank_read(g, 0, (u32)row * 32, dist_banks[i].b);
			return;
		}
		goto unimpl;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1020) {
		u32 intid = (u32)(off - GICD_IPRIORITYR);

		if (!size_ok(off, size, SZ_B | SZ_W))
			goto bad_size;
		if (intid < VGIC_NR_PRIVATE)
			return;
		if (write)
			prio_write(g, 0, intid, size, v);
		else
			*val = prio_read(g, 0, intid, size);
		return;
	}
	if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 1020) {
		/* RAZ/WI: affinity routing is on. */
		if (!size_ok(off, size, SZ_B | SZ_W))
			goto bad_size;
		return;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		u32 row = (u32)(off - GICD_ICFGR) / 4;

		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		if (row < 2)
			return;
		if (write)
			cfg_write(g, 0, row, (u32)v);
		else
			*val = cfg_read(g, 0, row);
		return;
	}
	if ((off >= GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80) ||
	    (off >= GICD_NSACR && off < GICD_NSACR + 0x100)) {
		/* RAZ/WI: DS = 1. */
		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		return;
	}
	if (off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE && off < GICD_IROUTER + 8 * 1020) {
		u32 n = (u32)(off - GICD_IROUTER) / 8 - VGIC_NR_PRIVATE;
		u32 shift = (off & 4) ? 32 : 0;

		if (!size_ok(off, size, SZ_W | SZ_D))
			goto bad_size;
		if (n >= g->nr_spis)
			return;
		if (write) {
			u64 mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;
			struct vgic_irq *irq = &g->spi[n];

			note_change(g, irq);
			g->irouter[n] = ((g->irouter[n] & ~mask) | ((v << shift) & mask)) & GICD_IROUTER_MASK;
			irq->target = route(g, g->irouter[n]);
			note_change(g, irq);
		} else {
			*val = size == 8 ? g->irouter[n] : (u32)(g->irouter[n] >> shift);
		}
		return;
	}
	if (off >= GICD_IDREGS && off < VGIC_DIST_SIZE) {
		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		if (!write && off == GICD_PIDR2)
			*val = VGIC_PIDR2;
		return;
	}

	switch (off) {
	case GICD_CTLR:
	case GICD_TYPER:
	case GICD_IIDR:
	case GICD_TYPER2:
	case GICD_STATUSR:
	case GICD_SGIR:
	case GICD_CPENDSGIR ... GICD_SPENDSGIR + 0xf:
		break;
	default:
		goto unimpl;
	}
	if (!size_ok(off, size, SZ_W))
		goto bad_size;
	switch (off) {
	case GICD_CTLR:
		if (write) {
			/* Whole: dist_read_unlocked reads it without the lock. */
			WRITE_ONCE(g->ctlr, (u32)v & (GICD_CTLR_EnableGrp0 | GICD_CTLR_EnableGrp1));
			g->kicks |= (u32)BIT(g->nr_vcpus) - 1;
		} else {
			*val = dist_ctlr(g);
		}
		return;
	case GICD_TYPER:
		if (!write)
			*val = dist_typer(g);
		return;
	case GICD_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		return;
	default:
		/* TYPER2, STATUSR: RAZ/WI. SGIR, C/SPENDSGIR: RAZ/WI with ARE. */
		return;
	}

bad_size:
	warn_once(g, W_DIST_SIZE, "GICD access of unsupported size or alignment", off, size);
	return;
unimpl:
	warn_once(g, W_DIST_UNIMPL + (u32)(off >> 12), "GICD access to an unimplemented offset", off,
		  size);
}

/*
 * Word reads of registers that are constants or one word written whole
 * need no lock (what drivers read most: TYPER, IIDR, CTLR, PIDR2).
 * False: take the locked path.
 */
static bool dist_read_unlocked(const struct vgic *g, u64 off, u32 size, u64 *val)
{
	if (size != 4)
		return false;
	switch (off) {
	case GICD_CTLR:
		*val = dist_ctlr(g);	/* g->ctlr is written whole, under the lock */
		return true;
	case GICD_TYPER:
		*val = dist_typer(g);
		return true;
	case GICD_IIDR:
		*val = VGIC_IIDR;
		return true;
	case GICD_PIDR2:
		*val = VGIC_PIDR2;
		return true;
	default:
		return false;
	}
}

static int vgic_dist_read(void *priv, u64 off, u32 size, u64 *val)
{
	struct vgic *g = priv;

	*val = 0;
	if (off >= VGIC_DIST_SIZE || dist_read_unlocked(g, off, size, val))
		return 0;
	spin_lock(&g->lock);
	dist_access(g, off, size, val, false);
	spin_unlock(&g->lock);
	return 0;
}

static int vgic_dist_write(void *priv, u64 off, u32 size, u64 val)
{
	struct vgic *g = priv;

	if (off >= VGIC_DIST_SIZE)
		return 0;
	if (size < 8)
		val &= (1ULL << (8 * size)) - 1;
	spin_lock(&g->lock);
	g->gen++;
	dist_access(g, off, size, &val, true);
	spin_unlock(&g->lock);
	return 0;
}

const struct mmio_ops vgic_dist_ops = {
	.read = vgic_dist_read,
	.write = vgic_dist_write,
};

/* ---- Redistributors ---- */

static u64 redist_typer(const struct vgic *g, u32 vcpu)
{
	u64 aff = g->cpu[vcpu].mpidr;
	u64 affval = FIELD_GET(MPIDR_EL1_Aff0, aff) | FIELD_GET(MPIDR_EL1_Aff1, aff) << 8 |
		     FIELD_GET(MPIDR_EL1_Aff2, aff) << 16 | FIELD_GET(MPIDR_EL1_Aff3, aff) << 24;

	return FIELD_PREP(GICR_TYPER_Affinity_Value, affval) |
	       FIELD_PREP(GICR_TYPER_Processor_Number, vcpu) |
	       (vcpu == g->nr_vcpus - 1 ? GICR_TYPER_Last : 0);
}

static void rd_access(struct vgic *g, u32 vcpu, u64 off, u32 size, u64 *val, bool write)
{
	struct vgic_cpu *c = &g->cpu[vcpu];
	u64 v = write ? *val : 0;

	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		u64 typer = redist_typer(g, vcpu);

		if (!size_ok(off, size, off == GICR_TYPER ? SZ_W | SZ_D : SZ_W))
			goto bad_size;
		if (!write)
			*val = size == 8 ? typer : (u32)(typer >> (off == GICR_TYPER ? 0 : 32));
		return;
	}
	if (off >= GICR_IDREGS && off < SZ_64K) {
		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		if (!write && off == GICR_PIDR2)
			*val = VGIC_PIDR2;
		return;
	}
	switch (off) {
	case GICR_CTLR:
	case GICR_IIDR:
	case GICR_STATUSR:
	case GICR_WAKER:
		break;
	default:
		warn_once(g, W_RD_UNIMPL + (u32)(off >> 12), "GICR access to an unimplemented offset",
			  off, size);
		return;
	}
	if (!size_ok(off, size, SZ_W))
		goto bad_size;
	switch (off) {
	case GICR_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		return;
	case GICR_WAKER:
		/* Waking is instantaneous: ChildrenAsleep follows ProcessorSleep. */
		if (write)
			c->waker = (v & GICR_WAKER_ProcessorSleep) ?
					   GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep : 0;
		else
			*val = c->waker;
		return;
	default:
		/* GICR_CTLR: EnableLPIs and the DPG bits are RAZ/WI (no LPIs, no DPGS); RWP reads 0. */
		return;
	}
bad_size:
	warn_once(g, W_RD_SIZE, "GICR access of unsupported size or alignment", off, size);
}

static const struct {
	u64 off;
	enum bank b;
} sgi_banks[] = {
	{ GICR_IGROUPR0, B_IGROUPR },	 { GICR_ISENABLER0, B_ISENABLER },
	{ GICR_ICENABLER0, B_ICENABLER }, { GICR_ISPENDR0, B_ISPENDR },
	{ GICR_ICPENDR0, B_ICPENDR },	 { GICR_ISACTIVER0, B_ISACTIVER },
	{ GICR_ICACTIVER0, B_ICACTIVER },
};

static void sgi_access(struct vgic *g, u32 vcpu, u64 off, u32 size, u64 *val, bool write)
{
	u64 v = write ? *val : 0;

	if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + VGIC_NR_PRIVATE) {
		if (!size_ok(off, size, SZ_B | SZ_W))
			goto bad_size;
		if (write)
			prio_write(g, vcpu, (u32)(off - GICR_IPRIORITYR0), size, v);
		else
			*val = prio_read(g, vcpu, (u32)(off - GICR_IPRIORITYR0), size);
		return;
	}
	for (u32 i = 0; i < ARRAY_SIZE(sgi_banks); i++) {
		if (off != sgi_banks[i].off)
			continue;
		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		if (write)
			bank_write(g, vcpu, 0, sgi_banks[i].b, (u32)v);
		else
			*val = bank_read(g, vcpu, 0, sgi_banks[i].b);
		return;
	}
	switch (off) {
	case GICR_ICFGR0:
	case GICR_ICFGR1:
		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		if (write)
			cfg_write(g, vcpu, (u32)(off - GICR_ICFGR0) / 4, (u32)v);
		else
			*val = cfg_read(g, vcpu, (u32)(off - GICR_ICFGR0) / 4);
		return;
	case GICR_IGRPMODR0:
	case GICR_NSACR:
		/* RAZ/WI: DS = 1. */
		if (!size_ok(off, size, SZ_W))
			goto bad_size;
		return;
	default:
		warn_once(g, W_SGI_UNIMPL + (u32)(off >> 12),
			  "GICR SGI frame access to an unimplemented offset", off, size);
		return;
	}
bad_size:
	warn_once(g, W_SGI_SIZE, "GICR SGI frame access of unsupported size or alignment", off,
		  size);
}

static void redist_access(struct vgic *g, u64 off, u32 size, u64 *val, bool write)
{
	u64 vcpu = off / VGIC_REDIST_STRIDE;
	u64 rem = off % VGIC_REDIST_STRIDE;

	if (!write)
		*val = 0;
	if (vcpu >= g->nr_vcpus) {
		warn_once(g, W_RD_BADCPU, "GICR access beyond the last redistributor", off, size);
		return;
	}
	if (rem < GICR_SGI_BASE)
		rd_access(g, (u32)vcpu, rem, size, val, write);
	else
		sgi_access(g, (u32)vcpu, rem - GICR_SGI_BASE, size, val, write);
}

static int vgic_redist_read(void *priv, u64 off, u32 size, u64 *val)
{
	struct vgic *g = priv;

	*val = 0;
	spin_lock(&g->lock);
	redist_access(g, off, size, val, false);
	spin_unlock(&g->lock);
	return 0;
}

static int vgic_redist_write(void *priv, u64 off, u32 size, u64 val)
{
	struct vgic *g = priv;

	if (size < 8)
		val &= (1ULL << (8 * size)) - 1;
	spin_lock(&g->lock);
	g->gen++;
	redist_access(g, off, size, &val, true);
	spin_unlock(&g->lock);
	return 0;
}

const struct mmio_ops vgic_redist_ops = {
	.read = vgic_redist_read,
	.write = vgic_redist_write,
};

/* ---- Injection ---- */

static int inject(struct vgic *g, u32 vcpu, u32 intid, bool level, bool pulse)
{
	struct vgic_irq *irq;
	bool was_pending, old_level;
	int mask;

	if (!g || intid < VGIC_NR_SGIS)
		return -EINVAL;
	if (intid < VGIC_NR_PRIVATE && vcpu >= g->nr_vcpus)
		return -EINVAL;
	spin_lock(&g->lock);
	g->gen++;
	irq = vgic_irq_lookup(g, vcpu, intid);
	if (!irq) {
		spin_unlock(&g->lock);
		return -EINVAL;
	}
	was_pending = irq_pending(irq);
	old_level = irq->level;
	if (pulse) {
		irq->pending_latch = true;
	} else {
		irq->level = level;
		if (level && (irq->hw_intid || (irq->edge && !old_level)))
			irq->pending_latch = true;
	}
	track(g, irq);
	mask = (int)irq_kick_mask(g, irq, irq_pending(irq) != was_pending);
	spin_unlock(&g->lock);
	return mask;
}

int vgic_set_irq_level(struct vgic *g, u32 vcpu, u32 intid, bool level)
{
	return inject(g, vcpu, intid, level, false);
}

int vgic_raise_edge(struct vgic *g, u32 vcpu, u32 intid)
{
	return inject(g, vcpu, intid, true, true);
}

static u32 sgi_generate(struct vgic *g, u32 src, u64 val, bool group1)
{
	u32 intid = (u32)FIELD_GET(ICC_SGI1R_EL1_INTID, val);
	u64 aff_hi = FIELD_PREP(MPIDR_EL1_Aff1, FIELD_GET(ICC_SGI1R_EL1_Aff1, val)) |
		     FIELD_PREP(MPIDR_EL1_Aff2, FIELD_GET(ICC_SGI1R_EL1_Aff2, val)) |
		     FIELD_PREP(MPIDR_EL1_Aff3, FIELD_GET(ICC_SGI1R_EL1_Aff3, val));
	u32 rs = (u32)FIELD_GET(ICC_SGI1R_EL1_RS, val);
	u32 tl = (u32)FIELD_GET(ICC_SGI1R_EL1_TargetList, val);
	u32 mask = 0;

	if (!g)
		return 0;
	spin_lock(&g->lock);
	g->gen++;
	if (src >= g->nr_vcpus) {
		warn_once(g, W_BAD_CALL, "SGI from a vCPU that does not exist", src, 0);
		spin_unlock(&g->lock);
		return 0;
	}
	for (u32 v = 0; v < g->nr_vcpus; v++) {
		u64 mpidr = g->cpu[v].mpidr;
		struct vgic_irq *irq = &g->cpu[v].priv[intid];

		if (val & ICC_SGI1R_EL1_IRM) {
			if (v == src)
				continue;
		} else {
			u64 aff0 = FIELD_GET(MPIDR_EL1_Aff0, mpidr);

			if ((mpidr & ~MPIDR_EL1_Aff0) != aff_hi || aff0 / 16 != rs ||
			    !(tl & (1u << (aff0 % 16))))
				continue;
		}
		/* Only forwarded to a target that configured this SGI in the same group. */
		if (irq->group1 != group1)
			continue;
		irq->pending_latch = true;
		track(g, irq);
		mask |= irq_kick_mask(g, irq, true);
	}
	spin_unlock(&g->lock);
	return mask;
}

u32 vgic_sgi_write(struct vgic *g, u32 src_vcpu, u64 val)
{
	return sgi_generate(g, src_vcpu, val, true);
}

u32 vgic_sgi0_write(struct vgic *g, u32 src_vcpu, u64 val)
{
	return sgi_generate(g, src_vcpu, val, false);
}

static int set_hw(struct vgic *g, u32 vcpu, u32 intid, u32 pintid, bool ppi)
{
	struct vgic_irq *irq;

	if (!g)
		return -EINVAL;
	if (ppi ? (intid < VGIC_NR_SGIS || intid >= VGIC_NR_PRIVATE || vcpu >= g->nr_vcpus ||
		   (pintid && (pintid < VGIC_NR_SGIS || pintid >= VGIC_NR_PRIVATE)))
		: (intid < VGIC_NR_PRIVATE || (pintid && (pintid < VGIC_NR_PRIVATE || pintid >= 1020))))
		return -EINVAL;
	spin_lock(&g->lock);
	g->gen++;
	irq = vgic_irq_lookup(g, vcpu, intid);
	if (irq) {
		irq->hw_intid = (u16)pintid;
		track(g, irq);	/* unlinked, a high level-sensitive line is pending */
	}
	spin_unlock(&g->lock);
	return irq ? 0 : -EINVAL;
}

int vgic_set_hw(struct vgic *g, u32 intid, u32 pintid)
{
	return set_hw(g, 0, intid, pintid, false);
}

int vgic_set_hw_ppi(struct vgic *g, u32 vcpu, u32 intid, u32 pintid)
{
	return set_hw(g, vcpu, intid, pintid, true);
}

int vgic_hw_forward(struct vgic *g, u32 vcpu, u32 intid)
{
	struct vgic_irq *irq;

	if (!g || vcpu >= g->nr_vcpus || intid < VGIC_NR_SGIS || intid >= VGIC_NR_PRIVATE)
		return -EINVAL;
	irq = &g->cpu[vcpu].priv[intid];
	spin_lock(&g->lock);
	if (!irq->hw_intid) {
		spin_unlock(&g->lock);
		return -EINVAL;
	}
	g->gen++;
	irq->level = true;
	irq->pending_latch = true;
	track(g, irq);
	spin_unlock(&g->lock);
	return 0;
}

int vgic_hw_resample(struct vgic *g, u32 vcpu, u32 intid, bool level)
{
	struct vgic_irq *irq;
	int r;

	if (!g || vcpu >= g->nr_vcpus)
		return -EINVAL;
	spin_lock(&g->lock);
	irq = vgic_irq_lookup(g, vcpu, intid);
	if (!irq || !irq->hw_intid) {
		spin_unlock(&g->lock);
		return -EINVAL;
	}
	if (irq->active || irq->lr_vcpu != VGIC_NO_VCPU) {
		r = VGIC_HW_ACTIVE;
	} else if (irq->pending_latch && level) {
		r = VGIC_HW_PENDING;
	} else {
		if (irq->pending_latch)
			g->gen++;
		irq->pending_latch = false;
		irq->level = false;
		r = VGIC_HW_IDLE;
	}
	spin_unlock(&g->lock);
	return r;
}

u64 vgic_hw_refire_lr(struct vgic *g, u32 vcpu, u32 intid, u32 gen)
{
	const struct vgic_cpu *c;
	const struct vgic_irq *irq;
	u64 lr = 0;

	if (!g || vcpu >= g->nr_vcpus || intid >= VGIC_NR_PRIVATE)
		return 0;
	c = &g->cpu[vcpu];
	irq = &c->priv[intid];
	spin_lock(&g->lock);
	/*
	 * As the last flush left it: in its list register, latched there, not
	 * active, pending in the LR alone, nothing since (the generation moves
	 * on every change to the model, and sync moves it too).
	 */
	if (g->gen == gen && c->lrs_live && c->nr_lr_used == 1 && c->lr_intid[0] == intid &&
	    irq->hw_intid && irq->lr_vcpu == vcpu && irq->lr_latch && irq->level && !irq->active &&
	    !irq->pending_latch && FIELD_GET(ICH_LR_EL2_State, c->lr_val[0]) == ICH_LR_EL2_State_Pending)
		lr = c->lr_val[0];
	spin_unlock(&g->lock);
	return lr;
}

/* ---- List registers ---- */

/* Sort key, lower first: active ones (they must stay visible to be deactivated), priority, INTID. */
static u32 lr_key(const struct vgic_irq *irq)
{
	return (irq->active ? 0u : 1u << 24) | (u32)irq->priority << 16 | irq->intid;
}

struct lr_pick {
	struct vgic_irq *best[VGIC_MAX_LRS];
	u32 n, cap, total;
};

static bool lr_consider(struct vgic *g, u32 vcpu, struct vgic_irq *irq, void *ctx)
{
	struct lr_pick *p = ctx;
	u32 key, i;

	if (irq->lr_vcpu != VGIC_NO_VCPU || vgic_irq_dest(irq) != vcpu)
		return false;
	if (!irq->active && !vgic_irq_deliverable(g, irq))
		return false;
	p->total++;
	key = lr_key(irq);
	if (p->n < p->cap)
		i = p->n++;
	else if (key < lr_key(p->best[p->cap - 1]))
		i = p->cap - 1;	/* the worst kept one drops out */
	else
		return false;
	for (; i > 0 && lr_key(p->best[i - 1]) > key; i--)
		p->best[i] = p->best[i - 1];
	p->best[i] = irq;
	return false;
}

static u64 lr_build(const struct vgic *g, struct vgic_irq *irq)
{
	bool pend = vgic_irq_deliverable(g, irq);
	u64 state = (pend ? ICH_LR_EL2_State_Pending : 0) | (irq->active ? ICH_LR_EL2_State_Active : 0);
	u64 lr = FIELD_PREP(ICH_LR_EL2_vINTID, irq->intid) |
		 FIELD_PREP(ICH_LR_EL2_Priority, irq->priority) |
		 FIELD_PREP(ICH_LR_EL2_State, state) | (irq->group1 ? ICH_LR_EL2_Group : 0);

	if (irq->hw_intid)
		lr |= ICH_LR_EL2_HW | FIELD_PREP(ICH_LR_EL2_pINTID, irq->hw_intid);
	else if (!irq->edge)
		lr |= ICH_LR_EL2_EOI;	/* exit on EOI to resample the line */
	/* The pending latch moves into the LR; sync gives it back if still pending. */
	irq->lr_latch = pend && irq->pending_latch;
	if (pend)
		irq->pending_latch = false;
	irq->pend_dirty = false;
	irq->act_dirty = false;
	return lr;
}

int vgic_flush_lrs(struct vgic *g, u32 vcpu, u64 *lrs, u32 nr_lrs, u64 *ich_hcr)
{
	struct lr_pick p;	/* best[] is filled up to n: not zeroed (a hot path) */
	struct vgic_cpu *c;

	p.n = 0;
	p.total = 0;
	if (!g || !lrs || !ich_hcr || !nr_lrs || vcpu >= g->nr_vcpus)
		return -EINVAL;
	for (u32 i = 0; i < nr_lrs; i++)
		lrs[i] = 0;
	*ich_hcr = ICH_HCR_EL2_En;
	p.cap = MIN(nr_lrs, (u32)VGIC_MAX_LRS);
	c = &g->cpu[vcpu];
	spin_lock(&g->lock);
	if (c->lrs_live) {
		warn_once(g, W_FLUSH_BUSY, "(hypervisor bug) LR flush without sync for vCPU", vcpu, 0);
		spin_unlock(&g->lock);
		return -EBUSY;
	}
	for_each_tracked(g, vcpu, &p, lr_consider);
	for (u32 i = 0; i < p.n; i++) {
		struct vgic_irq *irq = p.best[i];

		lrs[i] = lr_build(g, irq);
		irq->lr_vcpu = (u8)vcpu;
		c->lr_intid[i] = irq->intid;
		c->lr_val[i] = lrs[i];
	}
	c->nr_lr_used = p.n;
	c->lrs_live = p.n > 0;
	if (p.total > p.n)
		*ich_hcr |= ICH_HCR_EL2_UIE;
	spin_unlock(&g->lock);
	return (int)p.n;
}

/* Fold one LR's state back into the model. */
static void lr_fold(struct vgic_irq *irq, u32 vcpu, u64 lr)
{
	u64 state = FIELD_GET(ICH_LR_EL2_State, lr);

	if ((state & ICH_LR_EL2_State_Pending) && irq->lr_latch && !irq->pend_dirty)
		irq->pending_latch = true;
	if (!irq->act_dirty) {
		irq->active = state & ICH_LR_EL2_State_Active;
		if (irq->active)
			irq->act_vcpu = (u8)vcpu;
	}
	irq->lr_vcpu = VGIC_NO_VCPU;
	irq->lr_latch = false;
	irq->pend_dirty = false;
	irq->act_dirty = false;
}

u32 vgic_sync_lrs(struct vgic *g, u32 vcpu, const u64 *lrs, u32 nr_used)
{
	struct vgic_cpu *c;
	u32 kick = 0;

	if (!g || vcpu >= g->nr_vcpus)
		return 0;
	c = &g->cpu[vcpu];
	spin_lock(&g->lock);
	g->gen++;
	if (nr_used != c->nr_lr_used || (nr_used && !lrs))
		warn_once(g, W_SYNC, "(hypervisor bug) LR sync count differs from flush", nr_used,
			  c->nr_lr_used);
	for (u32 i = 0; i < c->nr_lr_used; i++) {
		/* Only State is taken from hardware; the INTID is what flush put there. */
		u64 lr = (lrs && i < nr_used) ? lrs[i] : c->lr_val[i];
		struct vgic_irq *irq = vgic_irq_lookup(g, vcpu, c->lr_intid[i]);

		if (irq && irq->lr_vcpu == vcpu) {
			lr_fold(irq, vcpu, lr);
			/* Still tracked (never untracked while in an LR); kept explicit. */
			track(g, irq);
			/* Released: another vCPU may have been waiting for it (re-routed SPI). */
			if (irq->intid >= VGIC_NR_PRIVATE)
				kick |= irq_kick_mask(g, irq, false);
		}
	}
	c->nr_lr_used = 0;
	c->lrs_live = false;
	spin_unlock(&g->lock);
	return kick & ~(u32)BIT(vcpu);
}

static bool wakes(struct vgic *g, u32 vcpu, struct vgic_irq *irq, void *ctx)
{
	(void)ctx;
	return vgic_irq_dest(irq) == vcpu && vgic_irq_deliverable(g, irq) &&
	       (irq->lr_vcpu == VGIC_NO_VCPU || irq->lr_vcpu == vcpu);
}

bool vgic_vcpu_pending(struct vgic *g, u32 vcpu)
{
	bool any;

	if (!g || vcpu >= g->nr_vcpus)
		return false;
	spin_lock(&g->lock);
	any = for_each_tracked(g, vcpu, NULL, wakes);
	spin_unlock(&g->lock);
	return any;
}

bool vgic_irq_pending(struct vgic *g, u32 vcpu, u32 intid)
{
	const struct vgic_irq *irq;
	bool r;

	if (!g)
		return false;
	spin_lock(&g->lock);
	irq = vgic_irq_lookup(g, vcpu, intid);
	r = irq && irq_pending_view(irq);
	spin_unlock(&g->lock);
	return r;
}

bool vgic_irq_enabled(struct vgic *g, u32 vcpu, u32 intid)
{
	const struct vgic_irq *irq;
	bool r;

	if (!g)
		return false;
	spin_lock(&g->lock);
	irq = vgic_irq_lookup(g, vcpu, intid);
	r = irq && irq->enabled;
	spin_unlock(&g->lock);
	return r;
}
