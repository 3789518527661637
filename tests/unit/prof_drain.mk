# SPDX-License-Identifier: MIT
# Host SPE/trace stop-and-drain around guest runs (core/prof_drain.c): the sequence on fake CPUs.
UNIT_TESTS += prof_drain
prof_drain_SRCS := tests/unit/test_prof_drain.c src/core/prof_drain.c tests/fake/arch_fake.c
