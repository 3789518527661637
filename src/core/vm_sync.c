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
	/* Data to the point of coherency: the guest's MMU-off accesses are non-cacheable. */
	dcache_clean_poc(vm_ram_ptr(vm, vm->ram_ipa), vm->ram_size);
	/* No CPU may execute stale instructions of the old images (or what was there before). */
	icache_inval_all_is();
	/*
	 * Nothing translated under this VMID before (another user of the VMID
	 * before moat, or the guest before its reset) may survive: stage-1
	 * and stage-2 entries of the VM, on every CPU.
	 */
	tlbi_vmalls12e1is(vm->vttbr);
}
