#!/usr/bin/env bash
# Regenerates Sources/Machine/DefaultFirmware.swift from the image that
# `swiftpc` boots when no -bios is given (the real-mode self-test ROM).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${1:-$here/realmode/realmode-test.bin}
out=$here/../Sources/Machine/DefaultFirmware.swift
{
  echo "import Foundation"
  echo
  echo "/// The image \`swiftpc\` boots without -bios: TestImages/realmode/realmode-test.bin,"
  echo "/// embedded by TestImages/embed-default-image.sh (regenerate it after rebuilding the ROM)."
  echo "enum DefaultFirmware {"
  echo "    static let image: [UInt8] = Array(Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) ?? Data())"
  echo
  echo "    private static let encoded = \"\"\""
  base64 -w 2000 "$image"
  echo "\"\"\""
  echo "}"
} > "$out"
echo "wrote $out from $image ($(stat -c %s "$image") bytes)"
