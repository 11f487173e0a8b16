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
source "$here/qemu-rom.sh"

rom="$here/long/long-test.bin"
rom_is_fresh "$rom" "$here/long/build.sh"
rom_passes long-test "$rom" -cpu "$CPU" -serial none
