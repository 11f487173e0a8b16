#!/usr/bin/env bash
# Runs the long-mode test ROM under QEMU (TCG), the reference for the
# behaviour it checks: the committed long/long-test.bin must be up to date
# with its sources, print "long-test: PASS" and exit through isa-debug-exit
# with status 1.  Checks for things QEMU TCG does not do as the SDM says
# (#SS for non-canonical stack references, #GP for some IA-32e activation
# orders, ...) are skipped by the image itself, with a NOTE each; SwiftPC is
# expected to run them.
#
#   long-test.bin  -cpu qemu64,+pdpe1gb   (LM, NX, SYSCALL, CX16 are in qemu64)
#
# Installs nasm and qemu-system-x86 with apt-get when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QEMU="${QEMU:-qemu-system-x86_64}"
CPU="${CPU:-qemu64,+pdpe1gb}"

source "$here/ensure-tools.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

name=long-test
rom="$here/long/$name.bin"
"$here/long/build.sh" "$work/$name.bin" >/dev/null
if ! cmp -s "$work/$name.bin" "$rom"; then
    echo "run-qemu-long.sh: $rom is stale; run long/build.sh" >&2
    exit 1
fi
echo "+ timeout 60 $QEMU -accel tcg -cpu $CPU -bios $rom -display none -serial none -monitor none -parallel none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot"
set +e
timeout 60 "$QEMU" -accel tcg -cpu "$CPU" -bios "$rom" \
    -display none -serial none -monitor none -parallel none \
    -debugcon stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -no-reboot </dev/null >"$work/$name.log" 2>&1
status=$?
set -e
grep -v "^$name: [a-z0-9-]*\$" "$work/$name.log" || true
echo "(exit status $status)"
if [ "$status" -eq 1 ] && grep -q "^$name: PASS" "$work/$name.log"; then
    echo "run-qemu-long.sh: $name OK"
else
    echo "run-qemu-long.sh: $name FAILED" >&2
    exit 1
fi
