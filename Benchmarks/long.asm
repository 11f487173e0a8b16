; SwiftPC benchmark ROM: a 64-bit integer workload in long mode.
; Goes from real mode through 32-bit protected mode into 64-bit mode with
; 4-level paging, identity-mapping what it uses: the low 4 MiB (code, stack,
; page tables, a RAM variable) through two 2 MiB pages and the 8 MiB it sweeps
; (4-12 MiB) through 4 KiB pages, so that the TLB matters. It fills the 8 MiB
; from a 64-bit LCG and then, ROUNDS times:
; - sweeps PAGES pages in a scattered order (STEP pages apart), reading and
;   rewriting one qword of each through SIB addresses, with ADD, IMUL, ROL,
;   XOR, SUB, SHR and SAR on R8-R11 and a data-dependent branch;
; - runs MIX steps of the LCG (IMUL and ADD with RIP-relative operands; SHR,
;   XOR on R12-R14), each with a CALL to a routine that PUSHes, reads
;   through RSP, POPs and keeps a RAM variable through RIP-relative loads and
;   stores, and a branch on a signed 64-bit comparison to ROR or SHL paths.
; Every result is defined by the manuals (no branch on a flag IMUL leaves
; undefined), so each emulator gives the same checksum: the registers folded
; with a rotating hash of the whole 8 MiB. It prints
; "long: checksum <hex> correct" (or WRONG) to port 0xE9 and exits through
; isa-debug-exit (0xF4) with 0 when the checksum is EXPECT, the value a 64-bit
; model of these loops gives (the line shows the checksum even when WRONG, so
; that emulators can be compared). Without long mode in CPUID it says so and
; exits with 1.
bits 16
org 0
ROUNDS  equ 5000
PAGES   equ 2048
STEP    equ 337                 ; odd, so a sweep visits every page once
MIX     equ 400
PML4    equ 0x10000
PDPT    equ 0x11000
PD      equ 0x12000
PT      equ 0x13000             ; 4 page tables, 0x13000-0x16FFF: 4-12 MiB
DATA    equ 0x400000
LAST    equ 0x300000            ; the RAM variable of mixsub
EXPECT  equ 0xa8415828adc70bbd
; A RIP-relative operand at a RAM address: the ROM runs at 0xF0000.
%define RAM(address) ($$ + (address) - 0xF0000)
%include "longmode.inc"

times 0xE000 - ($-$$) db 0xFF
start:
    LONGMODE_PROTECTED PT + 0x4000
    mov edi, PD + 16                ; 4-12 MiB: 4 KiB pages
    mov eax, PT + 3
    mov ecx, 4
.pde:
    mov [edi], eax
    add eax, 0x1000
    add edi, 8
    loop .pde
    mov edi, PT
    mov eax, DATA + 3
    mov ecx, PAGES
.pte:
    mov [edi], eax
    add eax, 0x1000
    add edi, 8
    loop .pte
    LONGMODE_ENTER lm
lm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, 0x7000
    ; the swept area: qword i holds the i-th value of the first LCG
    mov rdi, DATA
    mov ecx, PAGES * 512
    mov rax, [rel seed]
.fill:
    imul rax, [rel multiplier]
    add rax, [rel increment]
    mov [rdi], rax
    add rdi, 8
    dec ecx
    jnz .fill
    mov qword [rel RAM(LAST)], 0
    ; the workload
    xor r8, r8
    mov r9, [rel seed]
    xor r10, r10
    mov r11, [rel sweep_factor]
    mov r12, 1
    xor r14, r14
    mov r15, ROUNDS
    mov rsi, DATA
.round:
    mov ecx, r15d
    and ecx, 511                    ; this round's qword within each page
    mov edi, PAGES
.sweep:
    mov rax, [rsi + rcx*8]
    add r8, rax
    mov rbx, rax
    imul rbx, r11
    rol r9, 13
    xor r9, rbx
    test al, 1
    jz .even
    sub r10, r9
    shr rbx, 17
    jmp .store
.even:
    add r10, rbx
    sar rbx, 11
.store:
    xor rbx, r8
    mov [rsi + rcx*8], rbx
    add ecx, STEP * 512
    and ecx, PAGES * 512 - 1
    dec edi
    jnz .sweep
    mov edx, MIX
.mix:
    imul r12, [rel multiplier]
    add r12, [rel increment]
    mov r13, r12
    shr r13, 29
    xor r14, r13
    call mixsub
    cmp r13, r14
    jl .below
    ror r14, 5
    sub r14, r12
    jmp .next
.below:
    shl r13, 2
    add r14, r13
.next:
    dec edx
    jnz .mix
    dec r15
    jnz .round
    ; the checksum: a rotating hash of the swept area, then the registers
    mov ecx, PAGES * 512
    xor eax, eax
.hash:
    rol rax, 1
    xor rax, [rsi]
    add rsi, 8
    dec ecx
    jnz .hash
    xor rax, r8
    rol rax, 7
    add rax, r9
    rol rax, 7
    add rax, r10
    rol rax, 7
    add rax, r12
    rol rax, 7
    add rax, r14
    rol rax, 7
    add rax, [rel RAM(LAST)]
    mov rbp, rax
    REPORT_CHECKSUM

; r14 = (rol(r14, 13) + r14) ^ (r13 >> 3) ^ [LAST]; [LAST] = r13
mixsub:
    push r14
    push r13
    rol r14, 13
    add r14, [rsp + 8]
    mov rax, [rsp]
    shr rax, 3
    xor r14, rax
    xor r14, [rel RAM(LAST)]
    mov [rel RAM(LAST)], r13
    pop rax
    pop rax
    ret

    PRINT_ROUTINE

align 8
seed:         dq 0x9E3779B97F4A7C15
multiplier:   dq 6364136223846793005
increment:    dq 1442695040888963407
sweep_factor: dq 0xD6E8FEB86659FD93

hex_digits: db "0123456789abcdef"
msg_sum:  db "long: checksum ", 0
msg_ok:   db " correct", 10, 0
msg_bad:  db " WRONG", 10, 0
msg_nolm: db "long: no long mode in CPUID", 10, 0

LONGMODE_GDT
