; SwiftPC benchmark ROM: a CPU-bound real-mode workload.
; Runs a sieve of Eratosthenes over 8 KiB flags and a 32-bit checksum loop,
; ROUNDS times, prints the prime count to port 0xE9 and exits through
; isa-debug-exit (0xF4) with value 0 (QEMU status 1) when the count is right.
bits 16
org 0
ROUNDS  equ 2000
SIZE    equ 8192                ; numbers 0..8191
EXPECT  equ 1028                ; primes below 8192

times 0xE000 - ($-$$) db 0xFF
start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, 0x1000
    mov es, ax                  ; flags array at 1000:0000
    mov ds, ax
    mov bp, ROUNDS
round:
    ; fill flags with 1
    xor di, di
    mov cx, SIZE / 4
    mov eax, 0x01010101
    cld
    rep stosd
    mov byte [0], 0
    mov byte [1], 0
    mov bx, 2
outer:
    mov ax, bx
    mul bx                      ; dx:ax = i*i
    test dx, dx
    jnz count
    cmp ax, SIZE
    jae count
    cmp byte [bx], 0
    je next
    mov si, ax
inner:
    mov byte [si], 0
    add si, bx
    jc next
    cmp si, SIZE
    jb inner
next:
    inc bx
    jmp outer
count:
    xor si, si
    xor edx, edx
    mov cx, SIZE
.c: movzx eax, byte [si]
    add edx, eax
    inc si
    loop .c
    ; a 32-bit mixing loop
    mov ecx, 2000
    mov eax, edx
.m: imul eax, eax, 1103515245
    add eax, 12345
    xor eax, ecx
    ror eax, 3
    dec ecx
    jnz .m
    dec bp
    jnz round

    cmp edx, EXPECT
    jne bad
    mov si, msg_ok
    call print
    mov al, 0
    out 0xF4, al
    hlt
bad:
    mov si, msg_bad
    call print
    mov al, 1
    out 0xF4, al
    hlt

print:                          ; cs:si, zero-terminated
    cs lodsb
    test al, al
    jz .d
    out 0xE9, al
    jmp print
.d: ret

msg_ok:  db "sieve: 1028 primes below 8192", 10, 0
msg_bad: db "sieve: WRONG prime count", 10, 0

times 0xFFF0 - ($-$$) db 0xFF
    jmp 0xF000:start
times 0x10000 - ($-$$) db 0xFF
