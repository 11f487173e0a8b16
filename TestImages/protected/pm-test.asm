; =============================================================================
; pm-test.asm - self-checking x86 protected-mode test ROM for SwiftPC
;
; A 64 KiB BIOS image (last byte at physical 0xFFFFF, reset vector at
; F000:FFF0, no BIOS services).  It enters protected mode and checks
; descriptor loads, system instructions, privilege transitions, I/O
; permission, task switches, virtual-8086 mode, debug registers and
; exceptions, each with its vector, error code and saved CS:EIP.  Output goes to the debug console
; (port 0xE9); the result goes to isa-debug-exit (port 0xF4): 0 = pass,
; 1 = fail.  Build with protected/build.sh.
; =============================================================================

%define IMG "pm-test"
%include "harness.inc"
%include "boot16.inc"
%include "lib32.inc"

    PMCODE
tests_main:
    call test_pmentry
    call test_seg
    call test_sysinsn
    call test_priv
    call test_io
    call test_task
    call test_v86
    call test_debug
    call test_exc
    jmp finish

%include "pmentry.inc"
%include "seg.inc"
%include "sysinsn.inc"
%include "priv.inc"
%include "io.inc"
%include "task.inc"
%include "v86.inc"
%include "debug.inc"
%include "exc.inc"

TOTAL_CHECKS equ CHECKNO

    PMCODE
%if ($ - $$) > 0xC000
  %error "32-bit code too large"
%endif
    RMCODE
%if ($ - $$) > 0xFFF0 - 0xC000
  %error "16-bit code too large"
%endif
