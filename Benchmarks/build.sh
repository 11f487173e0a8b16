#!/usr/bin/env bash
# Rebuilds the benchmark ROM with nasm.
set -euo pipefail
cd "$(dirname "$0")"
nasm -f bin -o sieve.bin sieve.asm
test "$(stat -c %s sieve.bin)" -eq 65536
echo "built Benchmarks/sieve.bin"
