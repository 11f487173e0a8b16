#!/usr/bin/env bash
# Runs every SwiftPC test: installs the Debian packages the tests need when
# they are missing (nasm, qemu-system-x86), checks that the committed test ROMs
# match their sources and pass under QEMU, then runs all Swift test targets.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nasm >/dev/null || need+=(nasm)
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
command -v cc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== test images: committed binaries match their sources"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for src in TestImages/realmode/realmode-test.asm Benchmarks/sieve.asm; do
  bin=${src%.asm}.bin
  nasm -f bin -I "$(dirname "$src")/" -o "$tmp/image.bin" "$src"
  cmp -s "$tmp/image.bin" "$bin" || { echo "$bin is stale: rebuild it from $src"; exit 1; }
  echo "ok $bin"
done

echo "== test images under qemu-system-i386"
bash TestImages/run-qemu.sh

echo "== swift test"
swift build --build-tests
swift test --skip-build 2>&1 | tee "$tmp/swift-test.log"
