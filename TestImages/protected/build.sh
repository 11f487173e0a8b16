#!/usr/bin/env bash
# Rebuild the protected-mode test ROMs (64 KiB BIOS images) with nasm.
#   protected/build.sh                       -> protected/pm-test.bin, protected/paging-test.bin
#   protected/build.sh IMAGE OUT.bin [-DFOO]  -> one image (pm-test | paging-test), custom output
#                                               and extra nasm options (e.g. -l listing.lst)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

build() {
    local name="$1" out="$2"
    shift 2
    "$here/../build-rom.sh" "$here/$name.asm" "$out" "$@"
}

if [ "$#" -ge 2 ]; then
    name="$1" out="$2"
    shift 2
    build "$name" "$out" "$@"
else
    build pm-test "$here/pm-test.bin"
    build paging-test "$here/paging-test.bin"
fi
