# SPDX-License-Identifier: MIT
# Kernel placement by the arm64 Image header, and loader_load into a VM whose
# RAM is a host buffer (loader.c only needs vm.h's inline helpers and log).
UNIT_TESTS += loader
loader_SRCS := tests/unit/test_loader.c src/core/loader.c src/core/guest_fdt.c src/core/pmu.c src/core/el2_config.c tests/fake/arch_fake.c src/lib/log.c src/lib/printf.c src/lib/err.c
