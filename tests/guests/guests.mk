# SPDX-License-Identifier: MIT
# Bare-metal test guests and the QEMU runner (tests/qemu/cases.py).
test-guests: $(BUILD)/moat.bin
	@BUILD=$(BUILD) python3 tests/qemu/cases.py
