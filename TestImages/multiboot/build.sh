#!/usr/bin/env bash
# Rebuilds the multiboot test kernel in its two forms (nasm, and ld from
# Debian's binutils for the ELF one):
#   mbtest-elf.elf   ELF32 i386, two PT_LOAD segments (the loader's ELF path)
#   mbtest-aout.bin  flat binary with the a.out kludge address fields (flag 16)
#   multiboot/build.sh            -> into multiboot/
#   multiboot/build.sh OUTDIR     -> into OUTDIR (run-qemu-multiboot.sh compares)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"

for tool in nasm ld; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "build.sh: $tool not found (apt-get install -y nasm binutils)" >&2
        exit 1
    fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Assemble from inside the directory so no absolute path lands in the object.
cd "$here"
nasm -f elf32 -w+all -o "$work/mbtest.o" mbtest.asm
# --strip-all and no build ID: the image depends only on the sources (and on ld's version).
ld -m elf_i386 -T mbtest.ld --build-id=none --strip-all -o "$out/mbtest-elf.elf" "$work/mbtest.o"
nasm -f bin -w+all -DAOUT -o "$out/mbtest-aout.bin" mbtest.asm
echo "built $out/mbtest-elf.elf ($(stat -c %s "$out/mbtest-elf.elf") bytes)" \
     "and $out/mbtest-aout.bin ($(stat -c %s "$out/mbtest-aout.bin") bytes)"
