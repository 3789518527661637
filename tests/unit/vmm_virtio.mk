# SPDX-License-Identifier: MIT
# moat-vmm's guest-memory bounds, split virtqueues and virtio-blk device
# (host/vmm/guest_mem.c, virtqueue.c, virtio_blk.c), driven as a hostile guest would.
UNIT_TESTS += vmm_virtio
vmm_virtio_SRCS := tests/unit/test_vmm_virtio.c host/vmm/guest_mem.c host/vmm/virtqueue.c host/vmm/virtio_blk.c
