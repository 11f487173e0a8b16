#!/usr/bin/env bash
# Rebuild the board test ROM (64 KiB BIOS image) with nasm.
#   board/build.sh                    -> board/board-test.bin
#   board/build.sh OUT.bin [-DFOO]    -> custom output and extra nasm options
#                                        (-l listing.lst, -DTRACE)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v nasm >/dev/null 2>&1; then
    echo "build.sh: nasm not found (apt-get install -y nasm)" >&2
    exit 1
fi

out="${1:-$here/board-test.bin}"
[ "$#" -ge 1 ] && shift
nasm -f bin -w+all -I "$here/" "$@" -o "$out" "$here/board-test.asm"
size=$(stat -c %s "$out")
if [ "$size" -ne 65536 ]; then
    echo "build.sh: $out is $size bytes, expected 65536" >&2
    exit 1
fi
echo "built $out ($size bytes)"
