#!/usr/bin/env bash
# Rebuild the real-mode test ROM (64 KiB BIOS image) with nasm.
#   realmode/build.sh                 -> realmode/realmode-test.bin
#   realmode/build.sh OUT.bin -DFOO   -> custom output / extra nasm options
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/realmode-test.bin}"
shift || true

if ! command -v nasm >/dev/null 2>&1; then
    echo "build.sh: nasm not found (apt-get install -y nasm)" >&2
    exit 1
fi

nasm -f bin -w+all -I "$here/" "$@" -o "$out" "$here/realmode-test.asm"

size=$(stat -c %s "$out")
if [ "$size" -ne 65536 ]; then
    echo "build.sh: $out is $size bytes, expected 65536" >&2
    exit 1
fi
echo "built $out ($size bytes)"
