#!/usr/bin/env bash
# Rebuilds the benchmark ROMs with nasm (long and float include longmode.inc).
set -euo pipefail
cd "$(dirname "$0")"
for rom in sieve paging long float; do
  nasm -f bin -o "$rom.bin" "$rom.asm"
  test "$(stat -c %s "$rom.bin")" -eq 65536
  echo "built Benchmarks/$rom.bin"
done
