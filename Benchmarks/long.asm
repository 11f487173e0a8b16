; SwiftPC benchmark ROM: a 64-bit workload in long mode.
; Goes from real mode through 32-bit protected mode into 64-bit mode with
; 4-level paging: the low 4 MiB through two 2 MiB pages, and the swept area
; (4-8 MiB) through 4 KiB pages, so that the TLB matters. Then, ROUNDS times,
; it adds up one qword from each of PAGES pages while it folds them into a
; rotating hash (REX.W loads, ADD, ROL on R8/R9), and runs a mixing loop of a
; 64-bit LCG (IMUL, ADD, SHR, XOR on R10-R14) with a CALL, PUSH/POP and a load
; through RSP. The final registers are compared with the values a 64-bit
; model of the loops gives; prints the verdict to port 0xE9 and exits through
; isa-debug-exit (0xF4) with 0 when they match.
bits 16
org 0
ROUNDS  equ 20000
PAGES   equ 1024
STRIDE  equ 4096
MIX     equ 100
PML4    equ 0x10000
PDPT    equ 0x11000
PD      equ 0x12000
PT      equ 0x13000             ; 2 page tables, 0x13000-0x14FFF: 4-8 MiB
DATA    equ 0x400000

times 0xE000 - ($-$$) db 0xFF
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    o32 lgdt [cs:gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xF0000 + pm)
bits 32
pm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    mov edi, PML4               ; clear the paging structures
    xor eax, eax
    mov ecx, (PT + 0x2000 - PML4) / 4
    rep stosd
    mov dword [PML4], PDPT + 3
    mov dword [PDPT], PD + 3
    mov dword [PD + 0], 0x000083    ; 0-2 MiB, 2 MiB page
    mov dword [PD + 8], 0x200083    ; 2-4 MiB, 2 MiB page
    mov dword [PD + 16], PT + 3     ; 4-6 MiB, 4 KiB pages
    mov dword [PD + 24], PT + 0x1003
    mov edi, PT
    mov eax, DATA + 3
    mov ecx, 1024
.pte:
    mov [edi], eax
    add eax, 0x1000
    add edi, 8
    loop .pte
    mov eax, cr4
    or eax, 0x20                    ; PAE
    mov cr4, eax
    mov eax, PML4
    mov cr3, eax
    mov ecx, 0xC0000080             ; EFER.LME
    rdmsr
    or eax, 0x100
    wrmsr
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp 0x18:(0xF0000 + lm)
bits 64
lm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, 0x7000
    ; one qword per page: page k holds k
    mov rdi, DATA
    xor eax, eax
.fill:
    mov [rdi], rax
    add rdi, STRIDE
    inc rax
    cmp rax, PAGES
    jb .fill
    ; the workload
    xor r8, r8
    mov r9, [rel seed]
    mov r10, 1
    mov r11, [rel multiplier]
    mov r12, [rel increment]
    xor r14, r14
    mov r15, ROUNDS
.round:
    mov rsi, DATA
    mov ecx, PAGES
.sweep:
    mov rax, [rsi]
    add r8, rax
    rol r9, 7
    add r9, rax
    add rsi, STRIDE
    dec ecx
    jnz .sweep
    mov ecx, MIX
.mix:
    imul r10, r11
    add r10, r12
    mov r13, r10
    shr r13, 29
    xor r14, r13
    call mixsub
    dec ecx
    jnz .mix
    dec r15
    jnz .round
    ; expected values (computed with 64-bit integers from the loops above)
    cmp r8, [rel expect_r8]
    jne .bad
    cmp r9, [rel expect_r9]
    jne .bad
    cmp r10, [rel expect_r10]
    jne .bad
    cmp r14, [rel expect_r14]
    jne .bad
    lea rsi, [rel msg_ok]
    call print
    mov al, 0
    out 0xF4, al
    hlt
.bad:
    lea rsi, [rel msg_bad]
    call print
    mov al, 1
    out 0xF4, al
    hlt

mixsub:
    push r14
    rol r14, 13
    add r14, [rsp]
    mov rax, [rsp]
    shr rax, 3
    xor r14, rax
    pop rax
    ret

print:
    lodsb
    test al, al
    jz .d
    out 0xE9, al
    jmp print
.d: ret

align 8
seed:       dq 0x9E3779B97F4A7C15
multiplier: dq 6364136223846793005
increment:  dq 1442695040888963407
expect_r8:  dq 0x000000027063C000
expect_r9:  dq 0x75E6D876FA3DF201
expect_r10: dq 0xBA495C69273BD881
expect_r14: dq 0x3DF00ED1161798D5

msg_ok:  db "long: sums correct", 10, 0
msg_bad: db "long: WRONG sums", 10, 0

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: 32-bit code
    dq 0x00CF92000000FFFF       ; 0x10: data
    dq 0x00AF9A000000FFFF       ; 0x18: 64-bit code
gdt_ptr:
    dw 31
    dd 0xF0000 + gdt

times 0xFFF0 - ($-$$) db 0xFF
bits 16
    jmp 0xF000:start
times 0x10000 - ($-$$) db 0xFF
