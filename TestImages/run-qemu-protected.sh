#!/usr/bin/env bash
# Runs the protected-mode test ROMs under QEMU (TCG), the reference for the
# behaviour they check: each committed image must be up to date with its
# sources, print "<image>: PASS" and exit through isa-debug-exit with status 1.
# Checks for things QEMU TCG does not do (segment limits on memory accesses,
# VME, ...) are skipped by the images themselves, with a NOTE each; SwiftPC is
# expected to run them.
#
#   pm-test.bin      -cpu qemu32
#   paging-test.bin  -cpu qemu32,+nx,+pse36   (PAE, PSE, PGE, SEP are in qemu32)
#
# Installs nasm and qemu-system-x86 with apt-get when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QEMU="${QEMU:-qemu-system-i386}"

source "$here/ensure-tools.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
run() {
    local name="$1" cpu="$2"
    local rom="$here/protected/$name.bin"
    "$here/protected/build.sh" "$name" "$work/$name.bin" >/dev/null
    if ! cmp -s "$work/$name.bin" "$rom"; then
        echo "run-qemu-protected.sh: $rom is stale; run protected/build.sh" >&2
        failed=1
        return
    fi
    echo "+ timeout 60 $QEMU -accel tcg -cpu $cpu -bios $rom -display none -serial none -monitor none -parallel none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot"
    set +e
    timeout 60 "$QEMU" -accel tcg -cpu "$cpu" -bios "$rom" \
        -display none -serial none -monitor none -parallel none \
        -debugcon stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -no-reboot </dev/null >"$work/$name.log" 2>&1
    local status=$?
    set -e
    grep -v "^$name: [a-z0-9-]*\$" "$work/$name.log" || true
    echo "(exit status $status)"
    if [ "$status" -eq 1 ] && grep -q "^$name: PASS" "$work/$name.log"; then
        echo "run-qemu-protected.sh: $name OK"
    else
        echo "run-qemu-protected.sh: $name FAILED" >&2
        failed=1
    fi
}

run pm-test qemu32
run paging-test qemu32,+nx,+pse36
exit "$failed"
