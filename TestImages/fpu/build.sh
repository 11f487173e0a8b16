#!/usr/bin/env bash
# Rebuild the x87/SSE test ROM (a 64 KiB BIOS image) with nasm.  It reuses
# the long-mode image's boot code and harness (../long/*.inc).
#   fpu/build.sh                   -> fpu/fpu-test.bin
#   fpu/build.sh OUT.bin [-DFOO]   -> custom output and extra nasm options
#                                     (e.g. -l listing.lst, -DTRACE)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/fpu-test.bin}"
[ "$#" -ge 1 ] && shift
exec "$here/../build-rom.sh" "$here/fpu-test.asm" "$out" "$@"
