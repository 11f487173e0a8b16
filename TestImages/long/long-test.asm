; =============================================================================
; long-test.asm - self-checking x86-64 long-mode test ROM for SwiftPC
;
; A 64 KiB BIOS image (reset vector at F000:FFF0, no BIOS services) that goes
; from real mode through 32-bit protected mode into 64-bit mode and checks:
; IA-32e activation and its #GP cases, 4-level paging with 4 KiB, 2 MiB and
; 1 GiB pages (the same memory through each, accessed/dirty bits), #PF error
; codes with CR2 (P, W/R, U/S, RSVD, I/D with EFER.NXE), canonical-address
; faults, ring-3 64-bit code with SYSCALL/SYSRET, compatibility mode and
; back, interrupts on IST stacks, and 64-bit integer basics (REX.W
; arithmetic, zero extension, byte registers, RIP-relative addressing,
; MOV r64 imm64, MOVSXD, PUSH/POP, CMPXCHG16B, SWAPGS and the FS/GS bases).
; Output on the debug console (port 0xE9), result on isa-debug-exit (0xF4).
; Build with long/build.sh.
; =============================================================================

%define IMG "long-test"
%include "harness64.inc"
%include "boot.inc"
%include "lib64.inc"

    LMCODE
tests_main:
    call test_basics
    call test_paging
    call test_canonical
    call test_syscall
    call test_compat
    call test_ist
    call test_lm_leave
    jmp finish

%include "basics.inc"
%include "paging.inc"
%include "system.inc"

TOTAL_CHECKS equ CHECKNO

    LMCODE
%if ($ - $$) > 0xE000
  %error "32/64-bit code too large"
%endif
    RMCODE
%if ($ - $$) > 0xFFF0 - 0xE000
  %error "16-bit code too large"
%endif
