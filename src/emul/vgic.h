/* SPDX-License-Identifier: MIT */
/*
 * The virtual GICv3 a VM sees: an emulated distributor, one emulated
 * redistributor per vCPU, and list-register management for the hardware
 * virtual CPU interface (ICH_*_EL2). docs/vgic.md explains the model.
 *
 * Why it is a self-contained model: everything here is pure state plus
 * plain values in and out (MMIO offsets and data, ICH_LR_EL2 images,
 * ICC_SGI1R_EL1 values). The lead's code reads and writes the real ICH
 * registers and sends IPIs; this file never touches hardware and knows
 * nothing of struct vm or struct vcpu, so it can be unit-tested and fuzzed
 * on the host exactly as it runs at EL2.
 *
 * Locking: every public function takes g->lock for its whole duration and
 * calls nothing outside this file while holding it (logging aside). The
 * caller needs no lock of its own around these calls, and must not call
 * them with g->lock held (never does: the lock is private). The MMIO
 * callbacks take it too. It is a leaf lock: safe to call from any pCPU.
 *
 * vCPU numbers: 0 .. nr_vcpus-1, the index the caller uses for its vCPUs.
 * Return masks (u32 / non-negative int) have bit n set for vCPU n.
 */
#ifndef MOAT_EMUL_VGIC_H
#define MOAT_EMUL_VGIC_H

#include "emul/mmio.h"
#include "lib/bitfield.h"
#include "lib/spinlock.h"
#include "lib/types.h"

#define VGIC_MAX_VCPUS		8
#define VGIC_NR_SGIS		16
#define VGIC_NR_PRIVATE		32	/* SGIs 0-15, PPIs 16-31 */
#define VGIC_MAX_SPIS		988	/* INTIDs 32..1019 */
#define VGIC_MAX_LRS		16	/* ICH_VTR_EL2.ListRegs is 4 bits + 1 */
#define VGIC_NO_VCPU		0xff

/* Architected PPIs the lead injects (INTIDs). */
#define VGIC_INTID_MAINT	25	/* GIC maintenance interrupt (physical, PPI 9) */
#define VGIC_INTID_HTIMER	26
#define VGIC_INTID_VTIMER	27
#define VGIC_INTID_PTIMER	30

/* Size of the MMIO windows the lead registers. */
#define VGIC_DIST_SIZE		0x10000UL
#define VGIC_REDIST_STRIDE	0x20000UL	/* RD_base frame + SGI_base frame */

/*
 * ICH_LR<n>_EL2 and ICH_HCR_EL2 fields (GIC architecture spec names). The
 * lead's hardware code should use these rather than defining its own.
 */
#define ICH_LR_EL2_vINTID	GENMASK(31, 0)
#define ICH_LR_EL2_pINTID	GENMASK(44, 32)	/* HW = 1 */
#define ICH_LR_EL2_EOI		BIT(41)		/* HW = 0: maintenance interrupt on EOI */
#define ICH_LR_EL2_Priority	GENMASK(55, 48)
#define ICH_LR_EL2_Group	BIT(60)
#define ICH_LR_EL2_HW		BIT(61)
#define ICH_LR_EL2_State	GENMASK(63, 62)
#define ICH_LR_EL2_State_Invalid	0
#define ICH_LR_EL2_State_Pending	1
#define ICH_LR_EL2_State_Active		2
#define ICH_LR_EL2_State_PendingActive	3

#define ICH_HCR_EL2_En		BIT(0)
#define ICH_HCR_EL2_UIE		BIT(1)
#define ICH_HCR_EL2_LRENPIE	BIT(2)
#define ICH_HCR_EL2_NPIE	BIT(3)

/* One interrupt as the guest sees it. Private: use the functions below. */
struct vgic_irq {
	u16 intid;
	u16 hw_intid;		/* linked physical INTID, 0 = none */
	u8 priority;
	u8 target;		/* vCPU it is routed to (SPIs: from IROUTER), VGIC_NO_VCPU = none */
	u8 act_vcpu;		/* SPIs: vCPU that holds it active */
	u8 lr_vcpu;		/* vCPU whose list registers hold it, VGIC_NO_VCPU = none */
	bool group1;		/* IGROUPR */
	bool enabled;		/* ISENABLER */
	bool pending_latch;	/* edge seen / ISPENDR written, not yet acknowledged */
	bool active;		/* acknowledged, not deactivated */
	bool level;		/* input line level */
	bool edge;		/* ICFGR: edge-triggered */
	/* While in a list register: */
	bool lr_latch;		/* the LR's pending state came from pending_latch */
	bool pend_dirty;	/* guest wrote ICPENDR meanwhile: drop the LR's pending state */
	bool act_dirty;		/* guest wrote IS/ICACTIVER meanwhile: model's active wins */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	/*
	 * Bit n: private INTID n may be pending or active (see vgic->spi_track).
	 * Flush and the WFI check look only at these, not at all 32.
	 */
	u32 priv_track;
	u64 mpidr;
	u32 waker;			/* GICR_WAKER */
	bool lrs_live;			/* flushed, not yet synced */
	u32 nr_lr_used;
	u16 lr_intid[VGIC_MAX_LRS];
	u64 lr_val[VGIC_MAX_LRS];	/* what flush wrote */
};

struct vgic {
	spinlock_t lock;
	u32 nr_vcpus;
	u32 nr_spis;
	u32 ctlr;		/* GICD_CTLR */
	u32 kicks;		/* vCPUs to kick after an MMIO write, see vgic_take_kicks */
	/*
	 * Bumped (under the lock) by every call that can change interrupt
	 * state: a vCPU with nothing in its list registers and an unchanged
	 * generation can skip the flush on guest entry.
	 */
	volatile u32 gen;
	u64 warned;		/* log-once classes already reported */
	struct vgic_cpu cpu[VGIC_MAX_VCPUS];
	struct vgic_irq spi[VGIC_MAX_SPIS];
	u64 irouter[VGIC_MAX_SPIS];
	/*
	 * Bit i: SPI 32 + i may be pending or active. A superset: set wherever
	 * an interrupt can become pending or active (injection, SGI, MMIO,
	 * LR sync), cleared lazily by the scans that find it neither. So the
	 * exit and entry paths cost O(pending interrupts), not O(INTIDs).
	 */
	u64 spi_track[(VGIC_MAX_SPIS + 63) / 64];
};

/**
 * Set up @g for @nr_vcpus (1..VGIC_MAX_VCPUS) vCPUs whose MPIDR_EL1 values
 * (affinity fields only are used; must be distinct) are @mpidrs, and
 * @nr_spis SPIs (rounded up to a multiple of 32, at most VGIC_MAX_SPIS;
 * INTIDs 32..32+nr_spis-1). Everything is in its reset state. -EINVAL on
 * bad arguments.
 */
int vgic_init(struct vgic *g, u32 nr_vcpus, const u64 *mpidrs, u32 nr_spis);
/** Back to reset state (VM reset); keeps vCPUs, SPI count and HW links. */
void vgic_reset(struct vgic *g);

/* MMIO: priv = struct vgic *. Distributor: VGIC_DIST_SIZE bytes. */
extern const struct mmio_ops vgic_dist_ops;
/* All redistributors in one region: vCPU n's frames at n * VGIC_REDIST_STRIDE. */
extern const struct mmio_ops vgic_redist_ops;
/** Size of the redistributor region for @g (nr_vcpus * VGIC_REDIST_STRIDE). */
u64 vgic_redist_size(const struct vgic *g);
/**
 * vCPUs whose deliverable interrupts changed through guest MMIO writes
 * (enable, pend, route, GICD_CTLR) since the last call; clears the set.
 * Call after each emulated write to a vgic region, kick the running ones.
 */
u32 vgic_take_kicks(struct vgic *g);

/**
 * Drive interrupt line @intid to @level. @vcpu selects the redistributor
 * for private INTIDs (0-31), ignored for SPIs (routed by IROUTER).
 * Level-triggered: pending while the level is high (or latched by
 * ISPENDR). Edge-triggered: a low-to-high transition latches pending.
 * Hardware-linked interrupts: level high latches pending, low is ignored
 * (the physical GIC tracks the line). Returns the mask of vCPUs to kick
 * (the interrupt is now deliverable there, or a list register holding it
 * went stale), or -EINVAL.
 */
int vgic_set_irq_level(struct vgic *g, u32 vcpu, u32 intid, bool level);
/** An edge (pulse) on @intid: latches pending whatever its configuration. Returns as above. */
int vgic_raise_edge(struct vgic *g, u32 vcpu, u32 intid);
/**
 * The guest on @src_vcpu wrote @val to ICC_SGI1R_EL1 (Group 1 SGIs).
 * Returns the mask of vCPUs the SGI became pending on (kick them).
 */
u32 vgic_sgi_write(struct vgic *g, u32 src_vcpu, u64 val);
/** Same for ICC_SGI0R_EL1 (Group 0 SGIs). */
u32 vgic_sgi0_write(struct vgic *g, u32 src_vcpu, u64 val);
/**
 * Link SPI @intid to physical INTID @pintid (32..1019; 0 unlinks). The
 * physical interrupt must be forwarded active (EOImode = 1, priority
 * dropped, not deactivated): the guest's deactivation ends it.
 */
int vgic_set_hw(struct vgic *g, u32 intid, u32 pintid);
/** Same for a PPI (16..31) of @vcpu, @pintid 16..31. */
int vgic_set_hw_ppi(struct vgic *g, u32 vcpu, u32 intid, u32 pintid);

/**
 * The physical interrupt linked to private @intid (16..31) of @vcpu fired
 * and was forwarded to it: latch it pending. What vgic_set_irq_level(..,
 * true) does for a linked interrupt, without computing kicks (a PPI is
 * only ever the caller's own vCPU's): the timer's hot path. -EINVAL if
 * @intid is not a linked PPI of @vcpu.
 */
int vgic_hw_forward(struct vgic *g, u32 vcpu, u32 intid);

/* What vgic_hw_resample found. */
enum vgic_hw_state {
	VGIC_HW_IDLE,		/* neither pending nor active: the physical one is the caller's again */
	VGIC_HW_PENDING,	/* pending, not yet taken by the guest */
	VGIC_HW_ACTIVE,		/* taken (or in a list register): the guest's deactivation ends it */
};
/**
 * A hardware-linked interrupt @intid of @vcpu whose source's line is now
 * @level: if it is pending but not taken and the line fell, the pending
 * state is withdrawn (the guest masked or re-armed its timer meanwhile).
 * Returns the state after that, or -EINVAL. On VGIC_HW_IDLE the caller
 * deactivates the physical interrupt (it may still be active: the guest
 * never took it, or cleared it through ICPENDR/ICACTIVER).
 */
int vgic_hw_resample(struct vgic *g, u32 vcpu, u32 intid, bool level);
/**
 * The hardware-linked private @intid of @vcpu fired again after the guest
 * deactivated it, and it is the one interrupt of the last flush, made when
 * the model's generation was @gen, which it still is: then syncing that
 * list register, forwarding the interrupt and flushing again would give
 * back the same model and the same list register, pending again. Returns
 * that list register's value (never 0), or 0 when any of this does not
 * hold: the caller takes the full path.
 */
u64 vgic_hw_refire_lr(struct vgic *g, u32 vcpu, u32 intid, u32 gen);

/**
 * Before entering @vcpu: fill @lrs[0..nr_lrs-1] (unused ones 0) with the
 * highest-priority interrupts for it (active ones first, then pending and
 * enabled by priority, then INTID) and *@ich_hcr with En, plus UIE when
 * some did not fit. Returns the number used (the n to pass to sync),
 * -EBUSY when the previous flush was not synced, -EINVAL on bad @vcpu.
 */
int vgic_flush_lrs(struct vgic *g, u32 vcpu, u64 *lrs, u32 nr_lrs, u64 *ich_hcr);
/**
 * After @vcpu ran: @lrs[0..nr_used-1] are the ICH_LR<n>_EL2 values read
 * back. Only their State bits are used. Must follow every flush that
 * returned > 0 (after one that returned 0 it is a no-op). Returns the
 * mask of other vCPUs to kick: an SPI this vCPU's LRs held may have been
 * re-routed meanwhile and is now deliverable elsewhere.
 */
u32 vgic_sync_lrs(struct vgic *g, u32 vcpu, const u64 *lrs, u32 nr_used);
/** Does @vcpu have a pending, enabled interrupt (wakes WFI; ignores the guest's PMR)? */
bool vgic_vcpu_pending(struct vgic *g, u32 vcpu);
/** What GICR_ISPENDR0/GICD_ISPENDR shows for @intid (for the timer code, tests). */
bool vgic_irq_pending(struct vgic *g, u32 vcpu, u32 intid);
/** Is @intid enabled (ISENABLER) for @vcpu? */
bool vgic_irq_enabled(struct vgic *g, u32 vcpu, u32 intid);

/* For tests and the fuzzer: the state lookup and the delivery rule (no locking). */
struct vgic_irq *vgic_irq_lookup(struct vgic *g, u32 vcpu, u32 intid);
bool vgic_irq_deliverable(const struct vgic *g, const struct vgic_irq *irq);
u32 vgic_irq_dest(const struct vgic_irq *irq);
/** Is @irq in its tracking set (must be whenever it is pending or active)? */
bool vgic_irq_tracked(const struct vgic *g, const struct vgic_irq *irq);
#endif
