; =============================================================================
; paging-test.asm - self-checking x86 paging test ROM for SwiftPC
;
; A 64 KiB BIOS image like pm-test (same harness).  It checks 2-level paging
; with 4 KiB and 4 MiB pages, every #PF error-code bit with CR2, CR0.WP,
; U/S from ring 3, accessed/dirty bits, INVLPG, global pages, PAE with NX
; and reserved bits, self-modifying code, instructions and REP MOVSB that
; cross into a not-present page, and system calls from ring 3 through INT
; 0x80 and SYSENTER/SYSEXIT.  Features CPUID does not report are skipped
; with a NOTE.  Build with protected/build.sh.
; =============================================================================

%define IMG "paging-test"
%include "harness.inc"
%include "boot16.inc"
%include "lib32.inc"

    PMCODE
tests_main:
    call test_pg
    call test_pgcode
    call test_pae
    call test_syscall
    jmp finish

%include "pg.inc"
%include "pgcode.inc"
%include "pae.inc"
%include "syscall.inc"

TOTAL_CHECKS equ CHECKNO

    PMCODE
%if ($ - $$) > 0xC000
  %error "32-bit code too large"
%endif
    RMCODE
%if ($ - $$) > 0xFFF0 - 0xC000
  %error "16-bit code too large"
%endif
