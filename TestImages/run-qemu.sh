#!/usr/bin/env bash
# Runs the real-mode test ROM under QEMU (TCG), the reference for behaviour the
# ROM checks: the committed image must be up to date with its sources and print
# "realmode-test: PASS" with isa-debug-exit status 1. QEMU TCG does not enforce
# real-mode segment limits, so there the ROM skips those checks and says so;
# SwiftPC's integration test requires them to run.
#
# Installs nasm and qemu-system-x86 with apt-get when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rom="$here/realmode/realmode-test.bin"
QEMU="${QEMU:-qemu-system-i386}"

source "$here/ensure-tools.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$here/realmode/build.sh" "$work/fresh.bin" >/dev/null
if ! cmp -s "$work/fresh.bin" "$rom"; then
    echo "run-qemu.sh: $rom is stale; run realmode/build.sh" >&2
    exit 1
fi

echo "+ timeout 60 $QEMU -accel tcg -bios $rom -display none -serial none -monitor none -parallel none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot"
set +e
timeout 60 "$QEMU" -accel tcg -bios "$rom" \
    -display none -serial none -monitor none -parallel none \
    -debugcon stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -no-reboot </dev/null >"$work/qemu.log" 2>&1
status=$?
set -e
grep -v '^realmode-test: [a-z0-9-]*$' "$work/qemu.log" || true
echo "(exit status $status)"
if [ "$status" -eq 1 ] && grep -q '^realmode-test: PASS' "$work/qemu.log"; then
    echo "run-qemu.sh: OK"
    exit 0
fi
echo "run-qemu.sh: FAILED" >&2
exit 1
