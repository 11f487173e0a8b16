; SwiftPC benchmark ROM: a paging-heavy workload.
; Enters protected mode, identity-maps the first 16 MiB with 4 KiB pages
; (two-level paging, 4 page tables), turns paging on and then, ROUNDS times,
; adds up one dword from each of PAGES pages spread over 8 MiB (more pages than
; the TLB holds, so most of these accesses miss) and runs a short register loop
; between sweeps. Prints the sum to port 0xE9 and exits through isa-debug-exit
; (0xF4) with 0 when the sum is right. Memory accesses by construction:
; ROUNDS * PAGES loads in the sweeps (plus a few hundred elsewhere).
bits 16
org 0
ROUNDS  equ 20000
PAGES   equ 2048
STRIDE  equ 4096
PD      equ 0x10000             ; page directory
PT      equ 0x11000             ; 4 page tables, 0x11000-0x14FFF
DATA    equ 0x200000            ; the swept area: 8 MiB from 2 MiB

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
    ; page tables: PTE i maps page i, present + writable
    mov edi, PT
    mov eax, 0x003
    mov ecx, 4096
.pte:
    stosd
    add eax, 0x1000
    loop .pte
    ; page directory: 4 entries pointing at the tables, the rest not present
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD + 0], PT + 0x0000 + 3
    mov dword [PD + 4], PT + 0x1000 + 3
    mov dword [PD + 8], PT + 0x2000 + 3
    mov dword [PD + 12], PT + 0x3000 + 3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ; one dword per page: page k holds k
    mov edi, DATA
    xor eax, eax
.fill:
    mov [edi], eax
    add edi, STRIDE
    inc eax
    cmp eax, PAGES
    jb .fill
    ; the workload
    xor edx, edx
    mov ebp, ROUNDS
.round:
    mov esi, DATA
    mov ecx, PAGES
.sweep:
    add edx, [esi]
    add esi, STRIDE
    dec ecx
    jnz .sweep
    mov ecx, 200
    mov eax, edx
.mix:
    imul eax, eax, 1103515245
    add eax, 12345
    ror eax, 5
    dec ecx
    jnz .mix
    dec ebp
    jnz .round
    ; expected: ROUNDS * (0 + 1 + ... + PAGES-1), modulo 2^32
    cmp edx, (ROUNDS * (PAGES * (PAGES - 1) / 2)) & 0xFFFFFFFF
    jne .bad
    mov esi, 0xF0000 + msg_ok
    call print
    mov al, 0
    out 0xF4, al
    hlt
.bad:
    mov esi, 0xF0000 + msg_bad
    call print
    mov al, 1
    out 0xF4, al
    hlt
print:
    lodsb
    test al, al
    jz .d
    out 0xE9, al
    jmp print
.d: ret

msg_ok:  db "paging: sweep sum correct", 10, 0
msg_bad: db "paging: WRONG sweep sum", 10, 0

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF
    dq 0x00CF92000000FFFF
gdt_ptr:
    dw 23
    dd 0xF0000 + gdt

times 0xFFF0 - ($-$$) db 0xFF
bits 16
    jmp 0xF000:start
times 0x10000 - ($-$$) db 0xFF
