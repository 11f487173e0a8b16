#!/usr/bin/env bash
# Sourced by the image scripts: installs nasm, qemu-system-x86 and python3 with apt-get
# when they are missing, waiting for any other apt/dpkg run instead of fighting
# over its lock. Expects QEMU to name the QEMU binary.
pkgs=()
command -v nasm >/dev/null 2>&1 || pkgs+=(nasm)
command -v "${QEMU:-qemu-system-i386}" >/dev/null 2>&1 || pkgs+=(qemu-system-x86)
command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
if [ "${#pkgs[@]}" -gt 0 ]; then
    echo "$(basename "$0"): installing ${pkgs[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 \
        install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
