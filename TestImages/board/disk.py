#!/usr/bin/env python3
"""The disk image of board-test.bin (primary master, raw).

  disk.py make IMAGE     sparse file of SECTORS sectors; the sectors of
                         PREFILLED hold the pattern P
  disk.py verify IMAGE   after a run: the sectors the ROM writes hold the
                         pattern W, their neighbours are still zero, the
                         prefilled sectors still hold P, the size is unchanged

P(n) and W(n) are 128 little-endian dwords: (n ^ XOR) + j * STEP (mod 2^32),
j = 0..127, with the constants of board/ide.inc.
"""
import struct
import sys

SECTORS = 0x10100000                    # 2^28 + 2^20: 128.5 GiB
PAT_XOR, PAT_STEP = 0xDEADBEEF, 0x9E3779B9
WR_XOR, WR_STEP = 0x0BADF00D, 0x01000193
PREFILLED = list(range(16)) + list(range(0x10000000, 0x10000008)) + [SECTORS - 2, SECTORS - 1]
WRITTEN = [100, 101, 102, 103, 0x0FFFFFFF] + list(range(0x10000010, 0x10000014))
UNTOUCHED = [16, 99, 104, 0x0FFFFFFE, 0x10000008, 0x1000000F, 0x10000014, SECTORS - 3]


def pattern(n, xor, step):
    return b"".join(struct.pack("<I", ((n ^ xor) + j * step) & 0xFFFFFFFF) for j in range(128))


def make(path):
    with open(path, "wb") as f:
        f.truncate(SECTORS * 512)
        for n in PREFILLED:
            f.seek(n * 512)
            f.write(pattern(n, PAT_XOR, PAT_STEP))


def verify(path):
    bad = []
    with open(path, "rb") as f:
        f.seek(0, 2)
        if f.tell() != SECTORS * 512:
            bad.append(f"size {f.tell()}, expected {SECTORS * 512}")

        def sector(n):
            f.seek(n * 512)
            return f.read(512)

        for n in PREFILLED:
            if sector(n) != pattern(n, PAT_XOR, PAT_STEP):
                bad.append(f"sector {n:#x}: prefilled pattern changed")
        for n in WRITTEN:
            if sector(n) != pattern(n, WR_XOR, WR_STEP):
                bad.append(f"sector {n:#x}: not the pattern the ROM wrote")
        for n in UNTOUCHED:
            if sector(n) != bytes(512):
                bad.append(f"sector {n:#x}: written, expected zeros")
    for line in bad:
        print(f"disk.py: FAIL {line}", file=sys.stderr)
    if not bad:
        print(f"disk.py: {path}: {len(WRITTEN)} written sectors, "
              f"{len(PREFILLED)} prefilled and {len(UNTOUCHED)} untouched ones as expected")
    return not bad


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "verify"):
        sys.exit("usage: disk.py make|verify IMAGE")
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif not verify(sys.argv[2]):
        sys.exit(1)
