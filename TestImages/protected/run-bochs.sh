#!/usr/bin/env bash
# Optional cross-check: runs a protected-mode test ROM under Bochs (Debian
# `bochs bochsbios`), which enforces what QEMU TCG skips (segment limits and
# types on memory accesses, VME, #AC, ...).  Both images print PASS there with
# no check skipped.  Bochs has no isa-debug-exit: the script waits for the
# PASS/FAIL line on the port 0xE9 console, then stops Bochs.
#   protected/run-bochs.sh [pm-test|paging-test]...   (default: both)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v bochs >/dev/null 2>&1 || { echo "run-bochs.sh: bochs not found" >&2; exit 1; }
[ "$#" -gt 0 ] || set -- pm-test paging-test
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for name in "$@"; do
    cat > "$work/rc" <<EOC
megs: 32
romimage: file=$here/$name.bin, address=0xffff0000
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
log: $work/log
speaker: enabled=0
plugin_ctrl: speaker=0, sb16=0, es1370=0, parallel=0, serial=0, gameport=0, e1000=0, ne2k=0
clock: sync=none
EOC
    : > "$work/out"
    # Debian's bochs has the internal debugger: it waits for "c" first
    ( echo c; sleep 60 ) | timeout 60 bochs -q -f "$work/rc" > "$work/out" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
        grep -aq -E "^$name: (PASS|FAIL)" "$work/out" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -a -E "^($name: |FAIL)" "$work/out" | grep -v "^$name: [a-z0-9-]*\$" || true
    grep -aq "^$name: PASS" "$work/out" || failed=1
done
exit "$failed"
