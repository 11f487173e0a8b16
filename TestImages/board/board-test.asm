; =============================================================================
; board-test.asm - self-checking test ROM for the legacy PC board chips:
; the 8259A pair, the 8254 PIT with port 0x61, the MC146818 RTC, the 16550
; UART on COM1 and the ATA disk on the primary IDE channel.
;
; A 64 KiB BIOS image loaded so that its last byte is at physical 0xFFFFF;
; the reset vector (F000:FFF0) jumps to `start`.  No BIOS services are used:
; the ROM programs every chip itself and runs in real mode with its own IVT.
; Output goes to the debug console (port 0xE9); the result is written to
; isa-debug-exit at port 0xF4: 0x00 = pass, 0x01 = fail.
;
; The disk must be the primary master (QEMU: -hda) with the layout written by
; TestImages/run-qemu-board.sh (see TestImages/README.md).  Checks of
; datasheet behaviour the machine does not have are skipped with a NOTE.
; =============================================================================

    bits 16
    cpu 386
    org 0

%include "harness.inc"

start:
    cli
    cld
    xor ax, ax
    mov ss, ax
    mov sp, STACK_TOP
    mov ds, ax
    mov es, ax
    mov di, v_checks
    mov cx, 0x200 / 2
    rep stosw
    mov word [v_name], s_noname
    call setup_ivt

    mov si, s_banner
    call puts

    call test_pic
    call test_pit
    call test_irq0
    call test_rtc
    call test_uart
    call test_ide

finish:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, STACK_TOP
    mov ds, ax
    mov es, ax
    cld
    ; every check must have run exactly once, or been skipped
    mov ax, [v_checks]
    add ax, [v_skipped]
    cmp ax, TOTAL_CHECKS
    je .count_ok
    mov si, s_count
    call puts
    movzx eax, word [v_checks]
    call putdec
    mov si, s_count2
    call puts
    mov eax, TOTAL_CHECKS
    call putdec
    mov si, s_nl
    call puts
    inc word [v_fails]
.count_ok:
    cmp word [v_fails], 0
    jne .failed
    mov si, s_pass
    call puts
    movzx eax, word [v_checks]
    call putdec
    mov si, s_checks
    call puts
    cmp word [v_skipped], 0
    je .no_skips
    mov si, s_comma
    call puts
    movzx eax, word [v_skipped]
    call putdec
    mov si, s_skipped
    call puts
.no_skips:
    mov si, s_close
    call puts
    mov al, 0x00
    out EXIT_PORT, al
    jmp .halt
.failed:
    mov si, s_failed
    call puts
    movzx eax, word [v_fails]
    call putdec
    mov si, s_of
    call puts
    movzx eax, word [v_checks]
    call putdec
    mov si, s_failed_end
    call puts
    mov al, 0x01
    out EXIT_PORT, al
.halt:
    hlt
    jmp .halt

s_banner      db "board-test: start", 10, 0
s_noname      db "(init)", 0
s_pass        db "board-test: PASS (", 0
s_checks      db " checks", 0
s_comma       db ", ", 0
s_skipped     db " skipped", 0
s_close       db ")", 10, 0
s_failed      db "board-test: FAIL (", 0
s_of          db " of ", 0
s_failed_end  db " checks failed)", 10, 0
s_count       db "FAIL: check count mismatch: ran ", 0
s_count2      db ", expected ", 0

%include "pic.inc"
%include "pit.inc"
%include "rtc.inc"
%include "uart.inc"
%include "ide.inc"

TOTAL_CHECKS equ CHECKNO

; ---- reset vector -------------------------------------------------------------
%if ($ - $$) > 0xFFF0
  %error "ROM code too large"
%endif
    times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:                   ; F000:FFF0
    jmp 0xF000:start
    times 0x10000 - ($ - $$) db 0xFF
