/* SPDX-License-Identifier: MIT */
/*
 * vGICv3 model under random guest and hypervisor activity: MMIO reads and
 * writes of any offset/size/value to the distributor and redistributors,
 * line changes, edges, SGIs, HW links, and flush/sync rounds where the
 * "guest" leaves each list register in a random state. After every step
 * the structural invariants must hold: an interrupt is in at most one LR,
 * the model's LR bookkeeping matches, counts are bounded, and a flush that
 * did not ask for an underflow interrupt left nothing deliverable behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emul/vgic.h"
#include "lib/err.h"

struct in {
	const u8 *p;
	size_t n;
};

static u64 take(struct in *in, unsigned bytes)
{
	u64 v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v |= (u64)(in->n ? *in->p : 0) << (8 * i);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

#define CHECK(c)                                                                      \
	do {                                                                          \
		if (!(c)) {                                                           \
			fprintf(stderr, "invariant failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                      \
		}                                                                     \
	} while (0)

static struct vgic g;
static u64 live[VGIC_MAX_VCPUS][VGIC_MAX_LRS];
static int used[VGIC_MAX_VCPUS];

static struct vgic_irq *irq_at(u32 i, u32 *vcpu)
{
	if (i < VGIC_MAX_VCPUS * VGIC_NR_PRIVATE) {
		*vcpu = i / VGIC_NR_PRIVATE;
		return *vcpu < g.nr_vcpus ? &g.cpu[*vcpu].priv[i % VGIC_NR_PRIVATE] : NULL;
	}
	i -= VGIC_MAX_VCPUS * VGIC_NR_PRIVATE;
	*vcpu = 0;
	return i < g.nr_spis ? &g.spi[i] : NULL;
}

static void check_invariants(void)
{
	u32 in_lr = 0, lr_total = 0;

	for (u32 v = 0; v < g.nr_vcpus; v++) {
		const struct vgic_cpu *c = &g.cpu[v];

		CHECK(c->nr_lr_used <= VGIC_MAX_LRS);
		CHECK(c->lrs_live == (c->nr_lr_used > 0));
		CHECK((int)c->nr_lr_used == used[v]);
		for (u32 i = 0; i < c->nr_lr_used; i++) {
			struct vgic_irq *irq = vgic_irq_lookup(&g, v, c->lr_intid[i]);

			CHECK(irq != NULL);
			CHECK(irq->lr_vcpu == v);
			for (u32 j = 0; j < i; j++)
				CHECK(c->lr_intid[j] != c->lr_intid[i]);
			/* An SPI is in one vCPU's LRs only. */
			if (c->lr_intid[i] >= VGIC_NR_PRIVATE)
				for (u32 w = 0; w < v; w++)
					for (u32 j = 0; j < g.cpu[w].nr_lr_used; j++)
						CHECK(g.cpu[w].lr_intid[j] != c->lr_intid[i]);
		}
		lr_total += c->nr_lr_used;
	}
	for (u32 i = 0; i < VGIC_MAX_VCPUS * VGIC_NR_PRIVATE + VGIC_MAX_SPIS; i++) {
		u32 v;
		struct vgic_irq *irq = irq_at(i, &v);

		if (!irq)
			continue;
		CHECK(irq->lr_vcpu == VGIC_NO_VCPU || irq->lr_vcpu < g.nr_vcpus);
		CHECK(irq->target == VGIC_NO_VCPU || irq->target < g.nr_vcpus);
		if (irq->intid < VGIC_NR_PRIVATE)
			CHECK(irq->target == v);
		if (irq->lr_vcpu != VGIC_NO_VCPU)
			in_lr++;
		else
			CHECK(!irq->lr_latch && !irq->pend_dirty && !irq->act_dirty);
		if (irq->intid < VGIC_NR_SGIS)
			CHECK(irq->edge);
		/* Flush and the WFI check see only tracked interrupts. */
		if (irq->active || irq->pending_latch || (!irq->edge && !irq->hw_intid && irq->level))
			CHECK(vgic_irq_tracked(&g, irq));
	}
	CHECK(in_lr == lr_total);
	CHECK(g.ctlr == (g.ctlr & 3));
}

/* After a flush without UIE, nothing deliverable to @v may be left outside an LR. */
static void check_flush_complete(u32 v, u64 hcr, int n, u32 nr_lrs)
{
	CHECK(n >= 0 && (u32)n <= nr_lrs && n <= VGIC_MAX_LRS);
	CHECK(hcr & ICH_HCR_EL2_En);
	for (int i = 0; i < n; i++) {
		u64 lr = live[v][i];
		struct vgic_irq *irq = vgic_irq_lookup(&g, v, (u32)FIELD_GET(ICH_LR_EL2_vINTID, lr));

		CHECK(irq != NULL);
		CHECK(FIELD_GET(ICH_LR_EL2_State, lr) != 0);
		CHECK(!!(lr & ICH_LR_EL2_HW) == !!irq->hw_intid);
		if (irq->hw_intid) {
			CHECK(FIELD_GET(ICH_LR_EL2_pINTID, lr) == irq->hw_intid);
			CHECK(FIELD_GET(ICH_LR_EL2_State, lr) != ICH_LR_EL2_State_PendingActive);
		}
	}
	if (hcr & ICH_HCR_EL2_UIE) {
		CHECK((u32)n == MIN(nr_lrs, (u32)VGIC_MAX_LRS));
		return;
	}
	for (u32 i = 0; i < VGIC_MAX_VCPUS * VGIC_NR_PRIVATE + VGIC_MAX_SPIS; i++) {
		u32 owner;
		struct vgic_irq *irq = irq_at(i, &owner);

		if (!irq || irq->lr_vcpu != VGIC_NO_VCPU || vgic_irq_dest(irq) != v)
			continue;
		CHECK(!irq->active && !vgic_irq_deliverable(&g, irq));
	}
}

static void do_sync(struct in *in, u32 v)
{
	u64 lrs[VGIC_MAX_LRS];
	u32 n = (u32)used[v];

	for (u32 i = 0; i < n; i++) {
		/* The guest may take, finish or leave each one; other bits are noise. */
		u64 noise = take(in, 1) & 1 ? take(in, 8) & ~ICH_LR_EL2_State : 0;

		lrs[i] = (live[v][i] & ~ICH_LR_EL2_State) ^ noise;
		lrs[i] |= FIELD_PREP(ICH_LR_EL2_State, take(in, 1) & 3);
	}
	if ((take(in, 1) & 15) == 0)
		n = (u32)take(in, 1) % (VGIC_MAX_LRS + 1);	/* a confused caller */
	u32 k = vgic_sync_lrs(&g, v, lrs, n);
	CHECK(!(k & BIT(v)) && k < BIT(g.nr_vcpus));
	used[v] = 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u32 sizes[] = { 1, 2, 4, 8, 3, 0, 16, 4 };
	struct in in = { data, size };
	u64 mpidrs[VGIC_MAX_VCPUS];
	u32 nr_vcpus = 1 + (u32)take(&in, 1) % VGIC_MAX_VCPUS;
	u32 nr_spis = (u32)take(&in, 2) % 1100;

	for (u32 v = 0; v < nr_vcpus; v++)
		mpidrs[v] = v | (v & 4 ? 0x100 : 0);	/* two clusters when > 4 */
	if (vgic_init(&g, nr_vcpus, mpidrs, nr_spis))
		return 0;
	memset(used, 0, sizeof(used));

	for (int steps = 0; in.n && steps < 2000; steps++) {
		u32 op = (u32)take(&in, 1) % 12;
		u32 v = (u32)take(&in, 1) % (nr_vcpus + 1);	/* sometimes out of range */
		u64 val, r;

		switch (op) {
		case 0:
		case 1: {
			u64 off = take(&in, 2);
			u32 sz = sizes[take(&in, 1) % 8];

			val = take(&in, 8);
			if (op == 0)
				vgic_dist_ops.write(&g, off, sz, val);
			else
				vgic_dist_ops.read(&g, off, sz, &r);
			break;
		}
		case 2:
		case 3: {
			u64 off = take(&in, 3) % (vgic_redist_size(&g) + 0x20000);
			u32 sz = sizes[take(&in, 1) % 8];

			val = take(&in, 8);
			if (op == 2)
				vgic_redist_ops.write(&g, off, sz, val);
			else
				vgic_redist_ops.read(&g, off, sz, &r);
			break;
		}
		case 4: {
			int m = vgic_set_irq_level(&g, v, (u32)take(&in, 2) % 1100, take(&in, 1) & 1);

			CHECK(m < 0 || (u32)m < BIT(nr_vcpus));
			break;
		}
		case 5: {
			int m = vgic_raise_edge(&g, v, (u32)take(&in, 2) % 1100);

			CHECK(m < 0 || (u32)m < BIT(nr_vcpus));
			break;
		}
		case 6:
			CHECK(vgic_sgi_write(&g, v, take(&in, 8)) < BIT(nr_vcpus));
			break;
		case 7: {
			u32 intid = (u32)take(&in, 2) % 1100, p = (u32)take(&in, 2) % 1100;

			switch (take(&in, 1) % 4) {
			case 3:
				vgic_hw_forward(&g, v, intid);
				break;
			case 0:
				vgic_set_hw(&g, intid, p);
				break;
			case 1:
				vgic_set_hw_ppi(&g, v, intid, p);
				break;
			default: {
				/* The timer path after an exit: resample a linked interrupt. */
				int st = vgic_hw_resample(&g, v, intid, p & 1);

				CHECK(st == -EINVAL || st == VGIC_HW_IDLE || st == VGIC_HW_PENDING ||
				      st == VGIC_HW_ACTIVE);
				break;
			}
			}
			break;
		}
		case 8:
		case 9: {
			u32 nr_lrs = 1 + (u32)take(&in, 1) % 16;
			u64 hcr;
			int n;

			if (v >= nr_vcpus)
				break;
			if (used[v])
				do_sync(&in, v);
			n = vgic_flush_lrs(&g, v, live[v], nr_lrs, &hcr);
			if (n >= 0) {
				used[v] = n;
				check_invariants();
				check_flush_complete(v, hcr, n, nr_lrs);
			}
			break;
		}
		case 10:
			if (v < nr_vcpus && used[v])
				do_sync(&in, v);
			break;
		default:
			if (v < nr_vcpus)
				(void)vgic_vcpu_pending(&g, v);
			CHECK(vgic_take_kicks(&g) < BIT(nr_vcpus));
			break;
		}
		check_invariants();
		vgic_dist_ops.read(&g, 0, 4, &r);
		CHECK((r & 0x50) == 0x50);
	}
	/* Drain: everything synced, nothing stranded in an LR. */
	for (u32 v = 0; v < nr_vcpus; v++)
		if (used[v])
			do_sync(&in, v);
	check_invariants();
	for (u32 v = 0; v < nr_vcpus; v++)
		CHECK(!g.cpu[v].lrs_live);
	return 0;
}
