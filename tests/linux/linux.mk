# SPDX-License-Identifier: MIT
# Linux guest tests: Debian's kernel and a busybox initramfs under moat.
test-linux: $(BUILD)/moat.bin $(BUILD)/linux.bundle $(BUILD)/two-linux.bundle
	@BUILD=$(BUILD) python3 tests/linux/linux_test.py

# The host (docs/host-mode.md): Linux owning the machine behind its ownership stage-2.
test-host: $(BUILD)/moat.bin $(BUILD)/host.bundle $(BUILD)/host-linux.bundle
	@BUILD=$(BUILD) python3 tests/linux/host_test.py

# VMs created from the host (docs/hosted.md): moat-selftest, then guests run by moat-vmm, in the host's shell.
test-hosted: $(BUILD)/moat.bin $(BUILD)/host.bundle
	@BUILD=$(BUILD) python3 tests/linux/hosted_test.py
