// SPDX-License-Identifier: MIT
/*
 * After moat wrote a VM's memory (its images, at creation and on
 * SYSTEM_RESET), before any of its vCPUs runs: moat's stores went through
 * its own data cache and mappings; the guest starts with its MMU and
 * caches off and fetches instructions from what moat wrote.
 */
#include "arch/cache.h"
#include "arch/tlb.h"
#include "core/vm.h"

void vm_memory_sync(struct vm *vm)
{
	/*
	 * Data to the point of coherency: the guest's MMU-off accesses are
	 * non-cacheable. Not with FEAT_S2FWB (HCR_EL2.FWB): its stage-2 then
	 * makes every access to RAM Normal Write-Back, MMU off or not, so the
	 * guest sees moat's cached stores; cleaning all of RAM (half a GiB:
	 * millions of DC CVAC) would only cost boot time. The kernel's code
	 * is still cleaned, because instruction fetches fill from the point
	 * of unification, which the D-cache's dirty lines have not reached
	 * (unless CTR_EL0.IDC; not worth the branch for a few MiB).
	 */
	if (!(vm->hcr & HCR_EL2_FWB))
		dcache_clean_poc(vm_ram_ptr(vm, vm->ram_ipa), vm->ram_size);
	else if (vm_ipa_in_ram(vm, ipa_init(vm->boot.entry), vm->boot.kernel_size))
		dcache_clean_poc(vm_ram_ptr(vm, ipa_init(vm->boot.entry)), vm->boot.kernel_size);
	/* No CPU may execute stale instructions of the old images (or what was there before). */
	icache_inval_all_is();
	/*
	 * Nothing translated under this VMID before (another user of the VMID
	 * before moat, or the guest before its reset) may survive: stage-1
	 * and stage-2 entries of the VM, on every CPU.
	 */
	tlbi_vmalls12e1is(vm->vttbr);
}
