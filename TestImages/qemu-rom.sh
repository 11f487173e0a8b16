# Sourced by the run-qemu scripts: installs the tools (ensure-tools.sh) and
# gives them the two steps they share. Expects `here` (TestImages) and QEMU.
#   rom_is_fresh ROM BUILD-COMMAND...   the committed ROM equals what the build
#                                       command makes when given an output path last
#   rom_passes NAME ROM QEMU-OPTIONS... QEMU runs ROM with the debug console on
#                                       stdio and isa-debug-exit; NAME: PASS and exit status 1
source "$here/ensure-tools.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
script="$(basename "$0")"

rom_is_fresh() {
    local rom="$1"
    shift
    "$@" "$work/fresh-$(basename "$rom")" >/dev/null
    if ! cmp -s "$work/fresh-$(basename "$rom")" "$rom"; then
        echo "$script: $rom is stale; rebuild it with $(basename "$(dirname "$1")")/build.sh" >&2
        return 1
    fi
}

rom_passes() {
    local name="$1" rom="$2"
    shift 2
    local cmd=("$QEMU" -accel tcg "$@" -bios "$rom" -display none -monitor none -parallel none
               -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot)
    echo "+ timeout 120 ${cmd[*]}"
    set +e
    timeout 120 "${cmd[@]}" </dev/null >"$work/$name.log" 2>&1
    local status=$?
    set -e
    grep -v "^$name: [a-z0-9-]*\$" "$work/$name.log" || true
    echo "(exit status $status)"
    if [ "$status" -eq 1 ] && grep -q "^$name: PASS" "$work/$name.log"; then
        echo "$script: $name OK"
    else
        echo "$script: $name FAILED" >&2
        return 1
    fi
}
