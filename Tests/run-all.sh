#!/usr/bin/env bash
# Runs every SwiftPC test: installs the Debian packages the tests need when
# they are missing (nasm, qemu-system-x86, binutils, python3), checks that the committed
# test images match their sources and pass under QEMU, then runs all Swift test
# targets.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nasm >/dev/null || need+=(nasm)
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
command -v cc >/dev/null || need+=(gcc)
command -v python3 >/dev/null || need+=(python3)
command -v ld >/dev/null || need+=(binutils)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== real-mode test ROM: up to date with its sources, and checked under QEMU"
bash TestImages/run-qemu.sh

echo "== protected-mode test ROMs: up to date, and checked under QEMU"
bash TestImages/run-qemu-protected.sh

echo "== long-mode test ROM (issue 5's acceptance image): up to date, and checked under QEMU"
bash TestImages/run-qemu-long.sh

echo "== x87/SSE test ROM (issue 6's acceptance image): up to date, and checked under QEMU"
bash TestImages/run-qemu-fpu.sh

echo "== board test ROM: up to date, and checked under QEMU with its disk image"
bash TestImages/run-qemu-board.sh

echo "== benchmark ROMs: up to date, and correct under QEMU"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for rom in sieve:i386:"1028 primes" paging:i386:"sweep sum correct" long:x86_64:"checksum a8415828adc70bbd correct" \
  float:x86_64:"checksum 778a5aec1b3d7625 correct"; do
  name=${rom%%:*}; rest=${rom#*:}; system=${rest%%:*}; expect=${rest#*:}
  nasm -f bin -I Benchmarks/ -o "$tmp/$name.bin" "Benchmarks/$name.asm"
  cmp -s "$tmp/$name.bin" "Benchmarks/$name.bin" || { echo "Benchmarks/$name.bin is stale: run Benchmarks/build.sh"; exit 1; }
  set +e
  timeout 120 "qemu-system-$system" -accel tcg -bios "Benchmarks/$name.bin" -display none -serial none -monitor none \
    -parallel none -debugcon "file:$tmp/$name.log" -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot </dev/null
  status=$?
  set -e
  grep -q "$expect" "$tmp/$name.log" && [ "$status" -eq 1 ] || { echo "$name.bin failed under QEMU (status $status)"; exit 1; }
  echo "ok Benchmarks/$name.bin under QEMU"
done

echo "== multiboot test kernel: up to date, and passing under QEMU's -kernel loader"
mkdir "$tmp/mb"
bash TestImages/multiboot/build.sh "$tmp/mb" >/dev/null
for image in mbtest-elf.elf mbtest-aout.bin; do
  cmp -s "$tmp/mb/$image" "TestImages/multiboot/$image" \
    || { echo "TestImages/multiboot/$image is stale: run TestImages/multiboot/build.sh"; exit 1; }
  set +e
  timeout 60 qemu-system-i386 -accel tcg -m 64 -kernel "TestImages/multiboot/$image" -append test-args \
    -initrd "TestImages/multiboot/module.txt modargs" -display none -serial none -monitor none -parallel none \
    -debugcon "file:$tmp/$image.log" -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot </dev/null
  status=$?
  set -e
  grep -q "^mbtest: PASS" "$tmp/$image.log" && [ "$status" -eq 1 ] \
    || { cat "$tmp/$image.log"; echo "$image failed under QEMU (status $status)"; exit 1; }
  echo "ok TestImages/multiboot/$image under QEMU: $(grep '^mbtest: PASS' "$tmp/$image.log")"
done

echo "== swift test"
swift build --build-tests
swift test --skip-build --disable-swift-testing
