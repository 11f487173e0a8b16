; =============================================================================
; fpu-test.asm - self-checking x87/SSE test ROM for SwiftPC (issue 6)
;
; A 64 KiB BIOS image that boots into 64-bit mode with the long-mode image's
; boot code and harness (../long/*.inc) and checks: x87 presence probing the
; way old kernels do it, the CR0.EM/MP/TS/NE and CR4.OSFXSR/OSXMMEXCPT rules
; for #NM and #UD, lazy FPU switching from a #NM handler, #MF delivery with
; CR0.NE = 1 and FERR#/IRQ13 with NE = 0, #XM and its #UD form, FXSAVE/
; FXRSTOR in the 32-bit and 64-bit layouts (SDM Vol. 1 10.5.1) with their
; #GP cases, and a few x87/SSE results with exact bit patterns.
; Output on the debug console (port 0xE9), result on isa-debug-exit (0xF4).
; Build with fpu/build.sh.
; =============================================================================

%define IMG "fpu-test"
%include "../long/harness64.inc"
%include "../long/boot.inc"
%include "../long/lib64.inc"
%include "fpu-defs.inc"

    LMCODE
tests_main:
    call fpu_init
    call test_probe
    call test_nm
    call test_lazy
    call test_mf
    call test_irq13
    call test_xm
    call test_fxsave
    call test_arith
    jmp finish

%include "probe.inc"
%include "lazy.inc"
%include "except.inc"
%include "fxsave.inc"
%include "arith.inc"

TOTAL_CHECKS equ CHECKNO

    LMCODE
%if ($ - $$) > 0xE000
  %error "32/64-bit code too large"
%endif
    RMCODE
%if ($ - $$) > 0xFFF0 - 0xE000
  %error "16-bit code too large"
%endif
