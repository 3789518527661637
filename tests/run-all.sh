#!/bin/bash
# `make test`: every suite in DESIGN.md's order, then one tally line.
# Suites print TAP-like lines ("ok ..." / "not ok ..."); this script counts them.
# A suite that fails without printing a "not ok" line (a build error, say)
# counts as one failure of its own.
set -u
cd "$(dirname "$0")/.."
MAKE="${MAKE:-make}"
suites=(test-unit test-fuzz test-guests test-linux test-host test-hosted)
pass=0; fail=0
mkdir -p build
for s in "${suites[@]}"; do
    echo "=== $s"
    log="build/$s.out"
    $MAKE --no-print-directory "$s" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    p=$(grep -cE '^ok ' "$log")
    f=$(grep -cE '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $s exited with status $rc"
        f=1
    fi
    pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
