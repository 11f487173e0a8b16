#!/usr/bin/env bash
# Rebuild the real-mode test ROM (64 KiB BIOS image) with nasm.
#   realmode/build.sh                 -> realmode/realmode-test.bin
#   realmode/build.sh OUT.bin -DFOO   -> custom output / extra nasm options
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/realmode-test.bin}"
[ "$#" -ge 1 ] && shift
exec "$here/../build-rom.sh" "$here/realmode-test.asm" "$out" "$@"
