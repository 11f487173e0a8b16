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
QEMU="${QEMU:-qemu-system-i386}"
source "$here/qemu-rom.sh"

rom="$here/realmode/realmode-test.bin"
rom_is_fresh "$rom" "$here/realmode/build.sh"
rom_passes realmode-test "$rom" -serial none
