#!/usr/bin/env bash
# Rebuild the long-mode test ROM (a 64 KiB BIOS image) with nasm.
#   long/build.sh                   -> long/long-test.bin
#   long/build.sh OUT.bin [-DFOO]   -> custom output and extra nasm options
#                                      (e.g. -l listing.lst, -DTRACE)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/long-test.bin}"
[ "$#" -ge 1 ] && shift
exec "$here/../build-rom.sh" "$here/long-test.asm" "$out" "$@"
