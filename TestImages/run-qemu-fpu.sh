#!/usr/bin/env bash
# Runs the x87/SSE test ROM (issue 6's acceptance image) under QEMU (TCG),
# the reference for the behaviour it checks: the committed fpu/fpu-test.bin
# must be up to date with its sources, print "fpu-test: PASS" and exit
# through isa-debug-exit with status 1.  Checks for things QEMU TCG does not
# do as the SDM says are skipped by the image itself, with a NOTE each;
# SwiftPC is expected to run them.
#
#   fpu-test.bin  -cpu qemu64   (FPU, FXSR, SSE, SSE2 and LM are in qemu64)
#
# Installs nasm and qemu-system-x86 with apt-get when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QEMU="${QEMU:-qemu-system-x86_64}"
CPU="${CPU:-qemu64}"
source "$here/qemu-rom.sh"

rom="$here/fpu/fpu-test.bin"
rom_is_fresh "$rom" "$here/fpu/build.sh"
rom_passes fpu-test "$rom" -cpu "$CPU" -serial none
