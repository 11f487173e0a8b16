#!/usr/bin/env bash
# Runs the board test ROM under QEMU (TCG), the reference for the PC-board
# behaviour it checks: the committed board/board-test.bin must be up to date
# with its sources, print "board-test: PASS" and exit through isa-debug-exit
# with status 1, and the disk image must then hold what the ROM wrote.
# Checks of datasheet behaviour QEMU does not have are skipped by the ROM
# itself, with a NOTE each; SwiftPC is expected to run them.
#
# The disk is a sparse raw file of 2^28 + 2^20 sectors (128.5 GiB; a few KiB
# on the host) made by board/disk.py.  -M isapc has the ISA IDE controller at
# 0x1F0/0x3F6, IRQ14, without PCI.  -icount with sleep=off makes virtual time
# follow the instruction count, as in SwiftPC, and -rtc clock=vm runs the RTC
# on that clock, so host load does not disturb the ROM's timing checks.
#
# Installs nasm, qemu-system-x86 and python3 with apt-get when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QEMU="${QEMU:-qemu-system-i386}"
source "$here/qemu-rom.sh"

rom="$here/board/board-test.bin"
rom_is_fresh "$rom" "$here/board/build.sh"
disk="$work/disk.img"
python3 "$here/board/disk.py" make "$disk"
rom_passes board-test "$rom" -M isapc -icount shift=3,sleep=off -rtc clock=vm \
    -drive "file=$disk,format=raw,if=ide,index=0" -serial null
if ! python3 "$here/board/disk.py" verify "$disk"; then
    echo "run-qemu-board.sh: board-test FAILED (disk contents)" >&2
    exit 1
fi
