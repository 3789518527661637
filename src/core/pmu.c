// SPDX-License-Identifier: MIT
/*
 * The guest's PMUv3 (see core/pmu.h): trapped accesses forwarded to the
 * CPU's PMU after checks, and the whole state moved on a vCPU switch.
 * Event counter n is reached through PMSELR_EL0 and PMXEVTYPER/PMXEVCNTR
 * (one encoding for all n); the guest's own PMSELR_EL0 is put back after.
 */
#include "arch/barrier.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/el2_config.h"
#include "core/esr.h"
#include "core/vm.h"
#include "core/pmu.h"

#define SYS(op0, op1, crn, crm, op2) ((u32)ESR_ELx_SYS64_REG(op0, op1, crn, crm, op2))

static u32 pmuver(void)
{
	return (u32)FIELD_GET(ID_AA64DFR0_EL1_PMUVer, read_sysreg(id_aa64dfr0_el1));
}

bool pmu_offered(void)
{
	return id_dfr0_has_pmuv3(read_sysreg(id_aa64dfr0_el1));
}

u32 pmu_nr_counters(void)
{
	return pmu_offered() ? (u32)FIELD_GET(PMCR_EL0_N, read_sysreg(pmcr_el0)) : 0;
}

/* Counters that exist: event counters 0..N-1 and the cycle counter (bit 31). */
static u64 counter_mask(u32 n)
{
	return (n ? GENMASK(n - 1, 0) : 0) | PMU_CYCLE_COUNTER;
}

u64 pmu_evtyper_sanitise(u64 val, u32 ver)
{
	u64 ev = ver >= PMUVER_V3P1 ? PMEVTYPER_EL0_evtCount : PMEVTYPER_EL0_evtCount_v3;

	/*
	 * NSH 0: not counted at EL2 (moat's code); M, MT and everything else
	 * 0: no EL3 or other-thread counting, no feature moat does not know.
	 */
	return val & (ev | PMEVTYPER_EL0_P | PMEVTYPER_EL0_U | PMEVTYPER_EL0_NSK | PMEVTYPER_EL0_NSU);
}

u64 pmu_ccfiltr_sanitise(u64 val)
{
	return val & (PMEVTYPER_EL0_P | PMEVTYPER_EL0_U | PMEVTYPER_EL0_NSK | PMEVTYPER_EL0_NSU);
}

static u64 pmcr_writable(u32 ver)
{
	/* X (export to an external trace unit) stays 0; LP exists from PMUv3p5. */
	return PMCR_EL0_E | PMCR_EL0_P | PMCR_EL0_C | PMCR_EL0_D | PMCR_EL0_DP | PMCR_EL0_LC |
	       (ver >= PMUVER_V3P5 ? PMCR_EL0_LP : 0);
}

/* Event counter @n's type or count register on the CPU, through PMSELR_EL0. */
static u64 evreg_read(u32 n, bool type)
{
	write_sysreg(pmselr_el0, n);
	isb();
	return type ? read_sysreg(pmxevtyper_el0) : read_sysreg(pmxevcntr_el0);
}

static void evreg_write(u32 n, bool type, u64 val)
{
	write_sysreg(pmselr_el0, n);
	isb();
	if (type)
		write_sysreg(pmxevtyper_el0, val);
	else
		write_sysreg(pmxevcntr_el0, val);
}

/* PMEVCNTR<n>/PMEVTYPER<n> (or PMCCFILTR, n = 31) for the guest; false if n does not exist. */
static bool evreg_access(u32 n, bool type, bool read, u64 *val)
{
	u32 nr = pmu_nr_counters();
	u64 sel;

	if (n == PMU_CYCLE_IDX && type) {
		if (read)
			*val = read_sysreg(pmccfiltr_el0);
		else
			write_sysreg(pmccfiltr_el0, pmu_ccfiltr_sanitise(*val));
		return true;
	}
	if (n >= nr)
		return false;
	sel = read_sysreg(pmselr_el0);
	if (read)
		*val = evreg_read(n, type);
	else
		evreg_write(n, type, type ? pmu_evtyper_sanitise(*val, pmuver()) : *val);
	write_sysreg(pmselr_el0, sel);
	isb();
	return true;
}

/*
 * Does counter @type's filter let it count at the guest's exception level
 * (from its PSTATE)? Non-secure EL1 counts when P = NSK with EL3 present,
 * P = 0 without; EL0 likewise with U and NSU.
 */
static bool filter_counts(u64 type, u64 pstate)
{
	bool el3 = FIELD_GET(ID_AA64PFR0_EL1_EL3, read_sysreg(id_aa64pfr0_el1)) != 0;
	bool el0 = (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
	bool x = !!(type & (el0 ? PMEVTYPER_EL0_U : PMEVTYPER_EL0_P));
	bool ns = !!(type & (el0 ? PMEVTYPER_EL0_NSU : PMEVTYPER_EL0_NSK));

	return el3 ? x == ns : !x;
}

/*
 * PMSWINC_EL0, emulated: forwarded, the write would be made at EL2, where
 * the guest's counters do not count (NSH 0, HPMD). Each enabled counter
 * of the mask whose event is SW_INCR and whose filter counts the guest's
 * EL goes up by one; an unsigned overflow (at 32 bits, or 64 with
 * PMCR_EL0.LP) sets its PMOVSSET bit, which raises the interrupt when
 * enabled, as the CPU would.
 */
static void pmu_swinc(struct vcpu *v, u64 val)
{
	u32 n = pmu_nr_counters();
	u64 pmcr = read_sysreg(pmcr_el0), en = read_sysreg(pmcntenset_el0);
	u64 sel = read_sysreg(pmselr_el0);

	if (!(pmcr & PMCR_EL0_E))
		return;
	for (u32 i = 0; i < n; i++) {
		u64 type, cnt;

		if (!(val & en & BIT(i)))
			continue;
		type = evreg_read(i, true);
		if (FIELD_GET(PMEVTYPER_EL0_evtCount, type) != PMU_EVENT_SW_INCR ||
		    !filter_counts(type, v->ctx.pstate))
			continue;
		cnt = evreg_read(i, false) + 1;
		if (!(pmcr & PMCR_EL0_LP))
			cnt = (u32)cnt;
		evreg_write(i, false, cnt);
		if (cnt == 0)
			write_sysreg(pmovsset_el0, BIT(i));
	}
	write_sysreg(pmselr_el0, sel);
	isb();
}

/* PMCNTENSET/CLR, PMINTENSET/CLR, PMOVSSET/CLR: the bits of counters that exist. */
#define SETCLR(setreg, clrreg, set)                                        \
	do {                                                               \
		if (read)                                                  \
			*val = read_sysreg(setreg) & mask;                 \
		else if (set)                                              \
			write_sysreg(setreg, *val & mask);                 \
		else                                                       \
			write_sysreg(clrreg, *val & mask);                 \
	} while (0)

static void pmu_take(struct vcpu *v);

bool pmu_access(struct vcpu *v, u32 enc, bool read, u64 *val)
{
	u32 op1 = (u32)FIELD_GET(ESR_ELx_SYS64_OP1, enc);
	u32 crn = (u32)FIELD_GET(ESR_ELx_SYS64_CRN, enc);
	u32 crm = (u32)FIELD_GET(ESR_ELx_SYS64_CRM, enc);
	u32 op2 = (u32)FIELD_GET(ESR_ELx_SYS64_OP2, enc);
	u32 n = pmu_nr_counters();
	u64 mask = counter_mask(n);

	if (!pmu_offered())
		return false;
	/* The first access since the vCPU came onto this CPU brings its state in. */
	pmu_take(v);
	/* PMEVCNTR<n>_EL0 (CRm 8..11), PMEVTYPER<n>_EL0 (CRm 12..15): n = CRm[1:0]:op2. */
	if (op1 == 3 && crn == 14 && crm >= 8) {
		u32 idx = (crm & 3) << 3 | op2;

		if (crm < 12 && idx == PMU_CYCLE_IDX)
			return false;
		return evreg_access(idx, crm >= 12, read, val);
	}
	switch (enc) {
	case SYS(3, 3, 9, 12, 0):	/* PMCR_EL0 */
		if (read) {
			*val = read_sysreg(pmcr_el0);
		} else {
			write_sysreg(pmcr_el0, *val & pmcr_writable(pmuver()));
			isb();
		}
		return true;
	case SYS(3, 3, 9, 12, 1):	/* PMCNTENSET_EL0 */
	case SYS(3, 3, 9, 12, 2):	/* PMCNTENCLR_EL0 */
		SETCLR(pmcntenset_el0, pmcntenclr_el0, op2 == 1);
		return true;
	case SYS(3, 0, 9, 14, 1):	/* PMINTENSET_EL1 */
	case SYS(3, 0, 9, 14, 2):	/* PMINTENCLR_EL1 */
		SETCLR(pmintenset_el1, pmintenclr_el1, op2 == 1);
		return true;
	case SYS(3, 3, 9, 14, 3):	/* PMOVSSET_EL0 */
	case SYS(3, 3, 9, 12, 3):	/* PMOVSCLR_EL0 */
		SETCLR(pmovsset_el0, pmovsclr_el0, crm == 14);
		return true;
	case SYS(3, 3, 9, 12, 4):	/* PMSWINC_EL0, write-only */
		if (read)
			return false;
		pmu_swinc(v, *val & mask & ~PMU_CYCLE_COUNTER);
		return true;
	case SYS(3, 3, 9, 12, 5):	/* PMSELR_EL0 */
		if (read)
			*val = read_sysreg(pmselr_el0);
		else
			write_sysreg(pmselr_el0, *val & PMSELR_EL0_SEL);
		return true;
	case SYS(3, 3, 9, 12, 6):	/* PMCEID0_EL0: the events this CPU has */
	case SYS(3, 3, 9, 12, 7):	/* PMCEID1_EL0 */
		if (!read)
			return false;
		*val = op2 == 6 ? read_sysreg(pmceid0_el0) : read_sysreg(pmceid1_el0);
		return true;
	case SYS(3, 3, 9, 13, 0):	/* PMCCNTR_EL0 */
		if (read)
			*val = read_sysreg(pmccntr_el0);
		else
			write_sysreg(pmccntr_el0, *val);
		return true;
	case SYS(3, 3, 9, 13, 1):	/* PMXEVTYPER_EL0 */
	case SYS(3, 3, 9, 13, 2):	/* PMXEVCNTR_EL0 */
		/*
		 * SEL names a counter that does not exist (or 31 for PMXEVCNTR):
		 * UNDEFINED, one of the architecture's allowed choices.
		 */
		return evreg_access((u32)FIELD_GET(PMSELR_EL0_SEL, read_sysreg(pmselr_el0)), op2 == 1,
				    read, val);
	case SYS(3, 3, 9, 14, 0):	/* PMUSERENR_EL0: in the CPU, which checks it before trapping */
		if (read)
			*val = read_sysreg(pmuserenr_el0);
		else
			write_sysreg(pmuserenr_el0, *val & (PMUSERENR_EL0_EN | PMUSERENR_EL0_SW |
							    PMUSERENR_EL0_CR | PMUSERENR_EL0_ER));
		return true;
	case SYS(3, 0, 9, 14, 6):	/* PMMIR_EL1 (PMUv3p4), read-only */
		if (read && pmuver() >= PMUVER_V3P4) {
			*val = read_sysreg_s("s3_0_c9_c14_6");
			return true;
		}
		return false;
	default:
		return false;
	}
}

void pmu_reset(struct vcpu_pmu *p)
{
	*p = (struct vcpu_pmu){ 0 };
}

/*
 * Lazy switching. Each CPU's PMU holds one vCPU's state (pmu_holder) or,
 * stopped, nobody's. A vCPU's state goes in when it is loaded only if it
 * needs to be there while the vCPU runs — some counter counting, or an
 * overflow interrupt asserted — and otherwise on its first PMU access,
 * which traps (MDCR_EL2.TPM); it comes out when the vCPU is put. So a
 * vCPU switch between a host and a guest that count nothing costs two
 * comparisons instead of every PMU register saved and loaded each way
 * (docs/performance.md "Hosted VMs").
 */
static struct vcpu *pmu_holder[PMU_MAX_CPUS];

static bool pmu_needs_cpu(const struct vcpu_pmu *p)
{
	return ((p->pmcr & PMCR_EL0_E) && p->pmcnten) || (p->pmovs & p->pminten);
}

/* No counter of @mask counts, overflows or interrupts; EL0 has no access. */
static void pmu_quiet(u64 mask)
{
	write_sysreg(pmcntenclr_el0, mask);
	write_sysreg(pmintenclr_el1, mask);
	write_sysreg(pmovsclr_el0, mask);
	write_sysreg(pmuserenr_el0, 0);
	isb();
}

/* Take @v's PMU state out of this CPU and leave every counter stopped. */
static void pmu_save(struct vcpu *v)
{
	struct vcpu_pmu *p = &v->pmu;
	u32 n = pmu_nr_counters();
	u64 mask = counter_mask(n);

	/* Stop everything first: what is saved is what the guest counted. */
	p->pmcr = read_sysreg(pmcr_el0) & pmcr_writable(pmuver());
	write_sysreg(pmcr_el0, p->pmcr & ~PMCR_EL0_E);
	isb();
	p->pmselr = read_sysreg(pmselr_el0);
	p->pmcnten = read_sysreg(pmcntenset_el0) & mask;
	p->pminten = read_sysreg(pmintenset_el1) & mask;
	p->pmovs = read_sysreg(pmovsset_el0) & mask;
	p->pmuserenr = read_sysreg(pmuserenr_el0);
	p->pmccfiltr = read_sysreg(pmccfiltr_el0);
	p->pmccntr = read_sysreg(pmccntr_el0);
	for (u32 i = 0; i < n; i++) {
		p->evtyper[i] = evreg_read(i, true);
		p->evcntr[i] = evreg_read(i, false);
	}
	/* Nothing of this vCPU counts, overflows or interrupts on the CPU it left. */
	pmu_quiet(mask);
}

/* Put @v's PMU state into this CPU, whose PMU holds nobody's (stopped). */
static void pmu_load(const struct vcpu *v)
{
	const struct vcpu_pmu *p = &v->pmu;
	u32 n = pmu_nr_counters();
	u64 mask = counter_mask(n);

	write_sysreg(pmcr_el0, p->pmcr & ~(PMCR_EL0_E | PMCR_EL0_P | PMCR_EL0_C));
	isb();
	for (u32 i = 0; i < n; i++) {
		evreg_write(i, true, pmu_evtyper_sanitise(p->evtyper[i], pmuver()));
		evreg_write(i, false, p->evcntr[i]);
	}
	write_sysreg(pmccfiltr_el0, pmu_ccfiltr_sanitise(p->pmccfiltr));
	write_sysreg(pmccntr_el0, p->pmccntr);
	write_sysreg(pmcntenclr_el0, mask & ~p->pmcnten);
	write_sysreg(pmcntenset_el0, p->pmcnten & mask);
	write_sysreg(pmintenclr_el1, mask & ~p->pminten);
	write_sysreg(pmintenset_el1, p->pminten & mask);
	write_sysreg(pmovsclr_el0, mask & ~p->pmovs);
	write_sysreg(pmovsset_el0, p->pmovs & mask);
	write_sysreg(pmuserenr_el0, p->pmuserenr);
	write_sysreg(pmselr_el0, p->pmselr);
	isb();
	/* Counting starts last, with everything in place. */
	write_sysreg(pmcr_el0, p->pmcr & ~(PMCR_EL0_P | PMCR_EL0_C));
	isb();
}

/* Make the PMU of @v's CPU (v->pcpu, where it runs) hold its state. */
static void pmu_take(struct vcpu *v)
{
	struct vcpu **h = &pmu_holder[v->pcpu];

	if (*h == v)
		return;
	if (*h)
		pmu_save(*h);	/* not expected: a vCPU's put gives it back */
	pmu_load(v);
	*h = v;
}

void pmu_vcpu_put(struct vcpu *v)
{
	struct vcpu **h = &pmu_holder[v->pcpu];

	if (*h != v)
		return;
	pmu_save(v);
	*h = NULL;
}

void pmu_vcpu_load(struct vcpu *v)
{
	if (pmu_offered() && pmu_needs_cpu(&v->pmu))
		pmu_take(v);
}

void pmu_cpu_init(void)
{
	u64 mask = counter_mask(pmu_nr_counters());

	if (!pmu_offered())
		return;
	/* Nobody's: stopped, whatever firmware left counting. */
	write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) & ~PMCR_EL0_E);
	pmu_quiet(mask);
}
