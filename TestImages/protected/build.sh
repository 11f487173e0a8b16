#!/usr/bin/env bash
# Rebuild the protected-mode test ROMs (64 KiB BIOS images) with nasm.
#   protected/build.sh                       -> protected/pm-test.bin, protected/paging-test.bin
#   protected/build.sh IMAGE OUT.bin [-DFOO]  -> one image (pm-test | paging-test), custom output
#                                               and extra nasm options (e.g. -l listing.lst)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v nasm >/dev/null 2>&1; then
    echo "build.sh: nasm not found (apt-get install -y nasm)" >&2
    exit 1
fi

build() {
    local name="$1" out="$2"
    shift 2
    nasm -f bin -w+all -I "$here/" "$@" -o "$out" "$here/$name.asm"
    local size
    size=$(stat -c %s "$out")
    if [ "$size" -ne 65536 ]; then
        echo "build.sh: $out is $size bytes, expected 65536" >&2
        exit 1
    fi
    echo "built $out ($size bytes)"
}

if [ "$#" -ge 2 ]; then
    name="$1" out="$2"
    shift 2
    build "$name" "$out" "$@"
else
    build pm-test "$here/pm-test.bin"
    build paging-test "$here/paging-test.bin"
fi
