/* SPDX-License-Identifier: MIT */
/*
 * The guest's PMUv3: every counter the CPU has, on the CPU's own PMU,
 * with every access trapped (MDCR_EL2.TPM, TPMCR) and forwarded after
 * checks: counter numbers beyond PMCR_EL0.N UNDEF, the EL2 filter
 * (NSH) and the EL3/multithreading filters of PMEVTYPER/PMCCFILTR are
 * masked, so moat's own code is never counted (MDCR_EL2.HPMD/HCCD too,
 * where the CPU has them). The counters run while the vCPU owns its CPU
 * and are saved and restored whole when another vCPU takes it. The
 * overflow interrupt is the physical PMU PPI, forwarded hardware-linked
 * to the vGIC's PPI 23. Why emulation over pass-through: docs/traps.md.
 */
#ifndef MOAT_CORE_PMU_H
#define MOAT_CORE_PMU_H
#include "lib/types.h"

#define PMU_MAX_COUNTERS 31	/* PMCR_EL0.N is at most 31 */
#define PMU_MAX_CPUS 64		/* at least MAX_CPUS (arch/percpu.h; checked in vcpu.c) */

struct vcpu;

struct vcpu_pmu {
	u64 pmcr, pmselr, pmcnten, pminten, pmovs, pmuserenr, pmccfiltr, pmccntr;
	u64 evtyper[PMU_MAX_COUNTERS], evcntr[PMU_MAX_COUNTERS];
};

/** True when guests get a PMU: the CPU has a PMUv3. */
bool pmu_offered(void);
/** Event counters of this CPU (PMCR_EL0.N); 0 without a PMUv3. */
u32 pmu_nr_counters(void);

/** Reset state: everything 0 (counters disabled). */
void pmu_reset(struct vcpu_pmu *p);
/** @v comes onto this CPU: its PMU state goes in if it counts (else on its first access, pmu.c). */
void pmu_vcpu_load(struct vcpu *v);
/** @v leaves this CPU: its PMU state, if in, comes out and every counter stops. */
void pmu_vcpu_put(struct vcpu *v);
/** This CPU's PMU at boot: stopped, nobody's. */
void pmu_cpu_init(void);

/**
 * A trapped PMU register access (encoding @enc as in ESR_EL2.ISS, EC
 * 0x18); reads set *val. False: UNDEFINED (no PMU, a counter the CPU does
 * not have, a write to a read-only register).
 */
bool pmu_access(struct vcpu *v, u32 enc, bool read, u64 *val);

/** PMEVTYPER<n>_EL0 value the CPU gets for guest value @val (PMUVer @pmuver). */
u64 pmu_evtyper_sanitise(u64 val, u32 pmuver);
/** PMCCFILTR_EL0 likewise. */
u64 pmu_ccfiltr_sanitise(u64 val);
#endif
