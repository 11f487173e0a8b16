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
source "$here/qemu-rom.sh"

failed=0
for entry in pm-test:qemu32 paging-test:qemu32,+nx,+pse36; do
    name=${entry%%:*} cpu=${entry#*:}
    rom="$here/protected/$name.bin"
    rom_is_fresh "$rom" "$here/protected/build.sh" "$name" && rom_passes "$name" "$rom" -cpu "$cpu" -serial none || failed=1
done
exit "$failed"
