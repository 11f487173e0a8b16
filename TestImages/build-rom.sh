#!/usr/bin/env bash
# Assembles one 64 KiB BIOS test ROM with nasm; the image folders' build.sh
# scripts call it.
#   build-rom.sh SOURCE.asm OUT.bin [nasm options]   (e.g. -l listing.lst, -DTRACE)
# The include path is SOURCE's folder; the result must be exactly 65536 bytes.
set -euo pipefail
source="$1" out="$2"
shift 2
if ! command -v nasm >/dev/null 2>&1; then
    echo "build-rom.sh: nasm not found (apt-get install -y nasm)" >&2
    exit 1
fi
nasm -f bin -w+all -I "$(dirname "$source")/" "$@" -o "$out" "$source"
size=$(stat -c %s "$out")
if [ "$size" -ne 65536 ]; then
    echo "build-rom.sh: $out is $size bytes, expected 65536" >&2
    exit 1
fi
echo "built $out ($size bytes)"
