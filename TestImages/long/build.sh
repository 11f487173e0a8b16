#!/usr/bin/env bash
# Rebuild the long-mode test ROM (a 64 KiB BIOS image) with nasm.
#   long/build.sh                   -> long/long-test.bin
#   long/build.sh OUT.bin [-DFOO]   -> custom output and extra nasm options
#                                      (e.g. -l listing.lst, -DTRACE)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v nasm >/dev/null 2>&1; then
    echo "build.sh: nasm not found (apt-get install -y nasm)" >&2
    exit 1
fi

out="${1:-$here/long-test.bin}"
[ "$#" -gt 0 ] && shift
nasm -f bin -w+all -I "$here/" "$@" -o "$out" "$here/long-test.asm"
size=$(stat -c %s "$out")
if [ "$size" -ne 65536 ]; then
    echo "build.sh: $out is $size bytes, expected 65536" >&2
    exit 1
fi
echo "built $out ($size bytes)"
