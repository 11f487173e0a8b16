#!/usr/bin/env bash
# Rebuild the board test ROM (64 KiB BIOS image) with nasm.
#   board/build.sh                    -> board/board-test.bin
#   board/build.sh OUT.bin [-DFOO]    -> custom output and extra nasm options
#                                        (-l listing.lst, -DTRACE)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/board-test.bin}"
[ "$#" -ge 1 ] && shift
exec "$here/../build-rom.sh" "$here/board-test.asm" "$out" "$@"
