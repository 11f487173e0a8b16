; =============================================================================
; realmode-test.asm - self-checking x86 real-mode test ROM for SwiftPC
;
; A 64 KiB BIOS image: loaded so that its last byte is at physical 0xFFFFF,
; i.e. the whole image is segment F000.  The reset vector (F000:FFF0) jumps
; to `start`.  No BIOS services are used.
;
; Every test compares a register/memory value or the FLAGS (masked to the
; flags the Intel SDM defines for that instruction) with a known answer.
; Output goes to the debug console (port 0xE9); the result is reported to
; the isa-debug-exit device at port 0xF4: 0x00 = pass, 0x01 = fail.
;
; Build: nasm -f bin -o realmode-test.bin realmode-test.asm   (see build.sh)
; A machine that does not enforce real-mode segment limits (QEMU TCG) gets
; the segment-limit checks skipped, with a NOTE and a count in the PASS line.
; =============================================================================

    bits 16
    cpu 686                     ; CPUID, RDTSC, CMOVcc, BSWAP, ... are used
    org 0

%include "macros.inc"

start:
    cli
    cld
    xor ax, ax
    mov ss, ax
    mov sp, STACK_TOP
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    ; clear the harness variables
    mov di, v_checks
    mov cx, 0x100 / 2
    rep stosw
    mov word [v_exc_exp], EXC_NONE
    mov word [v_name], s_noname
    call setup_ivt

    mov si, s_banner
    call puts

    call test_arith
    call test_muldiv
    call test_shift
    call test_bits
    call test_cond
    call test_data
    call test_stack
    call test_bcd
    call test_string
    call test_seg
    call test_control
    call test_system

finish:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, STACK_TOP
    mov ds, ax
    cld
    ; every check must have run exactly once, or been skipped
    mov ax, [v_checks]
    add ax, [v_skipped]
    cmp ax, TOTAL_CHECKS
    je .count_ok
    mov si, s_count
    call puts
    mov ax, [v_checks]
    call putdec
    mov si, s_count2
    call puts
    mov ax, TOTAL_CHECKS
    call putdec
    mov si, s_nl
    call puts
    inc word [v_fails]
.count_ok:
    cmp word [v_fails], 0
    jne .failed
    mov si, s_pass
    call puts
    mov ax, [v_checks]
    call putdec
    mov si, s_checks
    call puts
    cmp word [v_skipped], 0
    je .no_skips
    mov si, s_comma
    call puts
    mov ax, [v_skipped]
    call putdec
    mov si, s_skipped
    call puts
.no_skips:
    mov si, s_checks_end
    call puts
    mov al, 0x00
    out EXIT_PORT, al
    jmp .halt
.failed:
    mov si, s_failed
    call puts
    mov ax, [v_fails]
    call putdec
    mov si, s_of
    call puts
    mov ax, [v_checks]
    call putdec
    mov si, s_checks_end2
    call puts
    mov al, 0x01
    out EXIT_PORT, al
.halt:
    hlt
    jmp .halt

s_banner      db "realmode-test: start", 10, 0
s_noname      db "(init)", 0
s_pass        db "realmode-test: PASS (", 0
s_checks      db " checks", 0
s_comma       db ", ", 0
s_skipped     db " skipped", 0
s_checks_end  db ")", 10, 0
s_failed      db "realmode-test: FAIL (", 0
s_of          db " of ", 0
s_checks_end2 db " checks failed)", 10, 0
s_count       db "FAIL: check count mismatch: ran ", 0
s_count2      db ", expected ", 0

%include "lib.inc"
%include "arith.inc"
%include "muldiv.inc"
%include "shift.inc"
%include "bits.inc"
%include "cond.inc"
%include "data.inc"
%include "stack.inc"
%include "bcd.inc"
%include "string.inc"
%include "seg.inc"
%include "control.inc"
%include "system.inc"

TOTAL_CHECKS equ CHECKNO

; ---- reset vector -------------------------------------------------------------
%if ($ - $$) > 0xFFF0
  %error "ROM code too large"
%endif
    times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:                   ; F000:FFF0
    jmp 0xF000:start
    times 0x10000 - ($ - $$) db 0xFF
