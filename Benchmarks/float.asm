; SwiftPC benchmark ROM: a floating-point workload in 64-bit mode.
; Enters 64-bit mode as long.asm does (longmode.inc; only the low 4 MiB are
; mapped), enables the x87 and SSE units (CR0.NE/MP set, EM/TS clear,
; CR4.OSFXSR/OSXMMEXCPT; SDM Vol. 3 §13.1) and runs:
; - x87, NX iterations with the default FCW (64-bit significands, round to
;   nearest, all exceptions masked): B += 1/i² (FILD m64, FMUL, FLD1, FDIVRP,
;   FADDP); x = (i mod 4096) / 1000 (FILD m32, FDIV m64); a degree-7 polynomial
;   p(x) by Horner (FMUL, FADD m64); q = p / sqrt(p² + 1) (FSQRT, FDIVP);
;   A += q; q·x·2^40 through FISTP m64 and q through FSTP m64 folded into R8;
; - SSE2, STEPS steps of a power iteration that never settles: w = M v for an
;   8x8 binary64 matrix (MOVAPD, MULPD, ADDPD, UNPCKHPD, ADDSD), v = w / |w|
;   (SQRTSD, DIVSD), then one element of M moves with the step number
;   (CVTSI2SD) and v[2]·2^40 is folded into R10 (CVTTSD2SI); the same for a
;   4x4 binary32 matrix (MULPS, ADDPS, SHUFPS, MOVHLPS, SQRTSS, DIVSS,
;   CVTSI2SS, CVTTSS2SI); both vectors are mixed into a 128-bit hash with
;   PXOR, PADDD, PMULUDQ and PSHUFD.
; Only +, -, ×, ÷, square root and conversions with the default rounding are
; used, each exactly specified by IEEE 754 and the SDM, and the values stay
; finite, so every correct machine gives the same bits. It prints
; "float: checksum <hex> correct" (or WRONG) to port 0xE9 and exits through
; isa-debug-exit (0xF4) with 0 when the checksum (R8, R10, A and B as 80-bit
; values, the hash and the final vectors) is EXPECT, the value a C model of
; these loops gives on a host x87 and SSE unit (float-model.c); QEMU and Bochs
; print the same. Without long mode, or without
; FPU, FXSR, SSE and SSE2 in CPUID, it says so and exits with 1.
bits 16
org 0
NX      equ 1500000             ; x87 iterations
STEPS   equ 300000              ; SSE steps
PML4    equ 0x10000
PDPT    equ 0x11000
PD      equ 0x12000
DATA    equ 0x100000            ; RBX: the workload's RAM
MAT     equ 0x000               ; 8x8 binary64, row-major
WVEC    equ 0x200               ; w = M v, 8 binary64
BMAT    equ 0x240               ; 4x4 binary32, column-major
IVAL    equ 0x280               ; i, int64
XIN     equ 0x288               ; i mod 4096, int32
QOUT    equ 0x290               ; q, binary64
IOUT    equ 0x298               ; q·x·2^40, int64
EXT     equ 0x2A0               ; A and B, 80-bit, 16 bytes apart
EXPECT  equ 0x778a5aec1b3d7625
%include "longmode.inc"

times 0xE000 - ($-$$) db 0xFF
start:
    LONGMODE_PROTECTED PD + 0x1000
    LONGMODE_ENTER lm
lm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, 0x7000
    mov eax, 1                      ; CPUID.01H:EDX: FPU[0], FXSR[24], SSE[25], SSE2[26]
    cpuid
    and edx, 0x07000001
    cmp edx, 0x07000001
    je .units
    lea rsi, [rel msg_nosse]
    call print
    mov al, 1
    out 0xF4, al
    hlt
.units:
    mov rax, cr0
    and eax, 0xFFFFFFF3             ; EM = TS = 0: no #NM, no #UD
    or eax, 0x22                    ; MP, NE: x87 errors through #MF
    mov cr0, rax
    mov rax, cr4
    or eax, 0x600                   ; OSFXSR, OSXMMEXCPT
    mov cr4, rax
    fninit                          ; FCW 037FH
    ldmxcsr [rel mxcsr]             ; 1F80H: round to nearest, all masked
    mov rbx, DATA

    ; x87: the stack holds A, B between iterations
    xor r8d, r8d
    fldz
    fldz
    mov ecx, 1
.x87:
    mov [rbx + IVAL], rcx
    fild qword [rbx + IVAL]         ; i A B
    fmul st0, st0                   ; i² A B
    fld1
    fdivrp st1, st0                 ; 1/i² A B
    faddp st2, st0                  ; A B
    mov edx, ecx
    and edx, 4095
    mov [rbx + XIN], edx
    fild dword [rbx + XIN]
    fdiv qword [rel xscale]         ; x A B
    fld qword [rel coeff + 56]
    fmul st0, st1
    fadd qword [rel coeff + 48]
    fmul st0, st1
    fadd qword [rel coeff + 40]
    fmul st0, st1
    fadd qword [rel coeff + 32]
    fmul st0, st1
    fadd qword [rel coeff + 24]
    fmul st0, st1
    fadd qword [rel coeff + 16]
    fmul st0, st1
    fadd qword [rel coeff + 8]
    fmul st0, st1
    fadd qword [rel coeff]          ; p x A B
    fld st0
    fmul st0, st0
    fld1
    faddp st1, st0
    fsqrt                           ; sqrt(p² + 1) p x A B
    fdivp st1, st0                  ; q x A B
    fxch st1
    fmul st0, st1
    fmul qword [rel scale40]
    fistp qword [rbx + IOUT]        ; q A B
    fadd st1, st0
    fstp qword [rbx + QOUT]         ; A B
    rol r8, 5
    xor r8, [rbx + QOUT]
    add r8, [rbx + IOUT]
    inc ecx
    cmp ecx, NX
    jbe .x87
    fstp tword [rbx + EXT]
    fstp tword [rbx + EXT + 16]

    ; SSE: M, the 4x4 binary32 matrix and the vectors from a 64-bit LCG
    mov r9, [rel seed]
    xor ecx, ecx
.fill64:
    imul r9, [rel multiplier]
    add r9, [rel increment]
    mov rax, r9
    sar rax, 32
    cvtsi2sd xmm0, rax
    mulsd xmm0, [rel two_m31]       ; [-1, 1)
    movsd [rbx + MAT + rcx*8], xmm0
    inc ecx
    cmp ecx, 64
    jb .fill64
    xor ecx, ecx
.fill32:
    imul r9, [rel multiplier]
    add r9, [rel increment]
    mov rax, r9
    sar rax, 40
    cvtsi2ss xmm0, eax
    mulss xmm0, [rel f_two_m23]     ; [-1, 1)
    movss [rbx + BMAT + rcx*4], xmm0
    inc ecx
    cmp ecx, 16
    jb .fill32
    movapd xmm8, [rel halves]
    movapd xmm9, xmm8
    movapd xmm10, xmm8
    movapd xmm11, xmm8
    movaps xmm14, [rel f_ones]
    movdqa xmm13, [rel hash_mul]
    pxor xmm15, xmm15
    xor r10d, r10d
    mov r15d, STEPS
.step:
    xorpd xmm7, xmm7
    lea rsi, [rbx + MAT]
    lea rdi, [rbx + WVEC]
    mov ecx, 8
.row:
    movapd xmm0, [rsi]
    mulpd xmm0, xmm8
    movapd xmm1, [rsi + 16]
    mulpd xmm1, xmm9
    addpd xmm0, xmm1
    movapd xmm1, [rsi + 32]
    mulpd xmm1, xmm10
    addpd xmm0, xmm1
    movapd xmm1, [rsi + 48]
    mulpd xmm1, xmm11
    addpd xmm0, xmm1
    movapd xmm1, xmm0
    unpckhpd xmm1, xmm1
    addsd xmm0, xmm1                ; w[row]
    movsd [rdi], xmm0
    mulsd xmm0, xmm0
    addsd xmm7, xmm0                ; |w|²
    add rsi, 64
    add rdi, 8
    dec ecx
    jnz .row
    sqrtsd xmm7, xmm7
    movsd xmm6, [rel one]
    divsd xmm6, xmm7
    unpcklpd xmm6, xmm6
    movapd xmm8, [rbx + WVEC]
    mulpd xmm8, xmm6
    movapd xmm9, [rbx + WVEC + 16]
    mulpd xmm9, xmm6
    movapd xmm10, [rbx + WVEC + 32]
    mulpd xmm10, xmm6
    movapd xmm11, [rbx + WVEC + 48]
    mulpd xmm11, xmm6               ; v = w / |w|
    ; M[step mod 64] = M[step mod 64] / 2 + v[0] · (step mod 256) / 1024
    mov eax, r15d
    and eax, 63
    movsd xmm0, [rbx + MAT + rax*8]
    mulsd xmm0, [rel half]
    mov edx, r15d
    and edx, 255
    cvtsi2sd xmm1, edx
    mulsd xmm1, [rel inv1024]
    mulsd xmm1, xmm8
    addsd xmm0, xmm1
    movsd [rbx + MAT + rax*8], xmm0
    movapd xmm0, xmm9
    mulsd xmm0, [rel scale40]
    cvttsd2si rax, xmm0
    rol r10, 7
    xor r10, rax
    ; u = B u / |B u|, then u[0] += (step mod 256) / 4096
    movaps xmm0, xmm14
    shufps xmm0, xmm0, 0x00
    mulps xmm0, [rbx + BMAT]
    movaps xmm1, xmm14
    shufps xmm1, xmm1, 0x55
    mulps xmm1, [rbx + BMAT + 16]
    addps xmm0, xmm1
    movaps xmm1, xmm14
    shufps xmm1, xmm1, 0xAA
    mulps xmm1, [rbx + BMAT + 32]
    addps xmm0, xmm1
    movaps xmm1, xmm14
    shufps xmm1, xmm1, 0xFF
    mulps xmm1, [rbx + BMAT + 48]
    addps xmm0, xmm1                ; B u
    movaps xmm1, xmm0
    mulps xmm1, xmm1
    movhlps xmm2, xmm1
    addps xmm1, xmm2
    movaps xmm2, xmm1
    shufps xmm2, xmm2, 0x55
    addss xmm1, xmm2                ; |B u|²
    sqrtss xmm1, xmm1
    movss xmm2, [rel f_one]
    divss xmm2, xmm1
    shufps xmm2, xmm2, 0x00
    mulps xmm0, xmm2
    movaps xmm14, xmm0
    cvtsi2ss xmm1, edx
    mulss xmm1, [rel f_inv4096]
    addss xmm14, xmm1
    movaps xmm1, xmm14
    mulss xmm1, [rel f_two_p20]
    cvttss2si eax, xmm1
    add r10, rax
    ; the hash
    pxor xmm15, xmm8
    paddd xmm15, xmm10
    pxor xmm15, xmm14
    movdqa xmm0, xmm15
    pmuludq xmm0, xmm13
    pshufd xmm15, xmm15, 0x39
    paddd xmm15, xmm0
    pxor xmm15, xmm11
    dec r15d
    jnz .step

    ; the checksum
    mov rax, r8
    rol rax, 7
    xor rax, [rbx + EXT]
    rol rax, 7
    movzx edx, word [rbx + EXT + 8]
    add rax, rdx
    rol rax, 7
    xor rax, [rbx + EXT + 16]
    rol rax, 7
    movzx edx, word [rbx + EXT + 24]
    add rax, rdx
    rol rax, 7
    add rax, r10
    movq rdx, xmm15
    rol rax, 7
    xor rax, rdx
    pshufd xmm0, xmm15, 0x4E
    movq rdx, xmm0
    rol rax, 7
    add rax, rdx
    movq rdx, xmm8
    rol rax, 7
    xor rax, rdx
    movq rdx, xmm11
    rol rax, 7
    add rax, rdx
    movd edx, xmm14
    rol rax, 7
    xor rax, rdx
    mov rbp, rax
    REPORT_CHECKSUM

    PRINT_ROUTINE

align 16
halves:     dq 0.5, 0.5
f_ones:     dd 1.0, 1.0, 1.0, 1.0
hash_mul:   dd 0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F
; p(x) = 1 - x + x²/2 - 3x³/16 + 3x⁴/64 - x⁵/128 + x⁶/1024 - x⁷/8192: exact binary64
coeff:      dq 1.0, -1.0, 0.5, -0.1875, 0.046875, -0.0078125, 0.0009765625, -0.0001220703125
xscale:     dq 1000.0
scale40:    dq 1099511627776.0  ; 2^40
one:        dq 1.0
half:       dq 0.5
inv1024:    dq 0.0009765625
two_m31:    dq 0x1.0p-31
seed:       dq 0x9E3779B97F4A7C15
multiplier: dq 6364136223846793005
increment:  dq 1442695040888963407
mxcsr:      dd 0x1F80
f_one:      dd 1.0
f_inv4096:  dd 0.000244140625
f_two_m23:  dd 0x1.0p-23
f_two_p20:  dd 1048576.0

hex_digits: db "0123456789abcdef"
msg_sum:   db "float: checksum ", 0
msg_ok:    db " correct", 10, 0
msg_bad:   db " WRONG", 10, 0
msg_nolm:  db "float: no long mode in CPUID", 10, 0
msg_nosse: db "float: no x87, FXSR, SSE and SSE2 in CPUID", 10, 0

LONGMODE_GDT
