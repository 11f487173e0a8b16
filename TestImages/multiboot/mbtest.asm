; mbtest: a self-checking multiboot (v1) kernel.
;
; It checks what the Multiboot Specification 0.6.96 promises a kernel on entry
; (section 3.2, "Machine state") and the information structure the boot loader
; built (section 3.3), as QEMU's and SwiftPC's `-kernel` provide them when run as
;
;   -m 64 -kernel mbtest-... -append test-args -initrd "module.txt modargs"
;
; build.sh assembles it twice: as an ELF32 executable (mbtest-elf.elf, loaded
; through its program headers) and, with -DAOUT, as a flat binary whose header
; carries the address fields of flag 16, the "a.out kludge" (mbtest-aout.bin).
;
; Only plain 32-bit integer code (MOV, CMP, Jcc, CALL/RET, string instructions,
; OUT; PUSHFD, SGDT and MOV from CR0 to look at the entry state), so it runs on
; a CPU whose protected mode is young. Progress and the verdict go to
; the debug console (port 0xE9); the result goes to isa-debug-exit (port 0xF4):
; 0 for PASS (QEMU exits with status 1), 1 for FAIL (status 3).

bits 32

MB_HEADER_MAGIC equ 0x1BADB002
MB_BOOT_MAGIC   equ 0x2BADB002
%ifdef AOUT
; Page-aligned modules (bit 0), memory information (bit 1), address fields (bit 16).
MB_FLAGS        equ 0x00010003
%else
MB_FLAGS        equ 0x00000003
%endif

RAM_BYTES       equ 64 << 20                  ; the -m 64 the runs use
EXPECT_UPPER_KB equ (RAM_BYTES >> 10) - 1024  ; mem_upper: RAM above 1 MiB
; Info flags this kernel relies on: memory (0), cmdline (2), mods (3), mmap (6),
; boot loader name (9). QEMU also sets boot_device (1); SwiftPC omits it.
EXPECT_INFO     equ (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)

DEBUGCON        equ 0xE9
DEBUG_EXIT      equ 0xF4

%ifdef AOUT
    org 0x100000
%endif

section .text
load_start:
align 4
mb_header:
    dd MB_HEADER_MAGIC
    dd MB_FLAGS
    dd (-(MB_HEADER_MAGIC + MB_FLAGS)) & 0xFFFFFFFF
%ifdef AOUT
    dd mb_header                            ; header_addr
    dd load_start                           ; load_addr: the file starts here
    dd load_end                             ; load_end_addr: end of .data
    dd bss_end                              ; bss_end_addr: the loader zeroes up to here
    dd start                                ; entry_addr
%endif

; Check macros. Each names its check and keeps every register but EFLAGS; a
; failing check prints what it got and what it expected, then ends the run.

; EXPECT cc, "what": passes when condition cc holds (flags set just before).
%macro EXPECT 2
    push esi
    mov esi, %%what
    j%1 %%good
    jmp fail
[section .data]
%%what: db %2, 0
__SECT__
%%good:
    call passed
    pop esi
%endmacro

; EXPECT_EAX expected, "what": passes when EAX equals expected.
%macro EXPECT_EAX 2
    push edx
    push esi
    mov edx, %1
    mov esi, %%what
    call check_eax
    pop esi
    pop edx
[section .data]
%%what: db %2, 0
__SECT__
%endmacro

; PRINT "text": a message on the console (no newline).
%macro PRINT 1
    push esi
    mov esi, %%text
    call puts
    pop esi
[section .data]
%%text: db %1, 0
__SECT__
%endmacro

global start
start:
    ; Keep what the boot loader handed over before anything changes it.
    mov [entry_eax], eax
    mov [entry_ebx], ebx
    mov [entry_esp], esp
    mov esp, stack_top                      ; the loader's ESP is undefined (3.2)
    pushfd
    pop dword [entry_eflags]
    sgdt [entry_gdtr]

    PRINT `mbtest: start (ESP on entry `
    mov eax, [entry_esp]
    call puthex
    PRINT `, GDTR `
    mov eax, [entry_gdtr + 2]
    call puthex
    PRINT `:`
    movzx eax, word [entry_gdtr]
    call puthex
    PRINT `)\n`

    ; --- Machine state (3.2) ---
    mov eax, [entry_eax]
    EXPECT_EAX MB_BOOT_MAGIC, "EAX holds the boot magic"

    ; Running at the linked address means CS has base 0.
    call .here
.here:
    pop eax
    EXPECT_EAX .here, "EIP is the linked address (CS base 0)"

    test dword [entry_eflags], (1 << 9) | (1 << 17)
    EXPECT z, "EFLAGS.IF and EFLAGS.VM clear"

    mov eax, cr0
    and eax, 0x80000001
    EXPECT_EAX 1, "CR0.PE set, CR0.PG clear"

    ; Every segment reaches the last dword below 4 GiB (limit 0xFFFFFFFF)
    ; and sees the same bytes there (base 0).
    mov ebx, [ds:0xFFFFFFFC]
    mov eax, [es:0xFFFFFFFC]
    EXPECT_EAX ebx, "ES flat like DS"
    mov eax, [fs:0xFFFFFFFC]
    EXPECT_EAX ebx, "FS flat like DS"
    mov eax, [gs:0xFFFFFFFC]
    EXPECT_EAX ebx, "GS flat like DS"
    mov eax, [ss:0xFFFFFFFC]
    EXPECT_EAX ebx, "SS flat like DS"
    mov eax, [cs:0xFFFFFFFC]
    EXPECT_EAX ebx, "CS readable and flat like DS"

    ; With A20 masked, a20_probe (above 1 MiB) would alias the same address
    ; with bit 20 clear, in low memory.
    mov esi, [a20_probe - 0x100000]         ; keep low memory as found
    mov dword [a20_probe - 0x100000], 0x11111111
    mov dword [a20_probe], 0x22222222
    mov eax, [a20_probe - 0x100000]
    mov [a20_probe - 0x100000], esi
    EXPECT_EAX 0x11111111, "A20 enabled"

    ; The loader loaded .data and zeroed .bss (p_memsz > p_filesz, or bss_end_addr).
    mov eax, [data_marker]
    EXPECT_EAX 0x5AFEC0DE, ".data loaded"
    mov edi, zeroes
    mov ecx, zeroes_end - zeroes
    xor eax, eax
    repe scasb
    EXPECT e, ".bss zeroed"

    ; --- The information structure (3.3) ---
    mov ebx, [entry_ebx]
    mov eax, [ebx]
    and eax, EXPECT_INFO
    EXPECT_EAX EXPECT_INFO, "info flags: memory, cmdline, mods, mmap, boot loader name"
    ; 639, not 640: the KiB at 0x9FC00 is the extended BIOS data area (QEMU's
    ; SeaBIOS puts one there, SwiftPC reserves it in the map the same way).
    mov eax, [ebx + 4]
    EXPECT_EAX 639, "mem_lower is 639 KiB"
    ; A BIOS may keep a little at the top of RAM (QEMU's SeaBIOS takes 128 KiB).
    mov eax, [ebx + 8]
    cmp eax, EXPECT_UPPER_KB
    EXPECT be, "mem_upper at most the RAM above 1 MiB (-m 64)"
    cmp eax, EXPECT_UPPER_KB - 1024
    EXPECT a, "mem_upper within 1 MiB of the RAM above 1 MiB"

    call check_mmap
    call check_cmdline
    call check_module

    mov esi, [ebx + 64]
    PRINT `mbtest: boot loader "`
    call puts
    PRINT `"\n`
    cmp byte [esi], 0
    EXPECT ne, "boot loader name present"

    PRINT `mbtest: PASS (`
    mov eax, [checks]
    call putdec
    PRINT ` checks)\n`
    mov al, 0
    out DEBUG_EXIT, al
    jmp halt

; The memory map: 24-byte entries (size field 20), usable entries inside RAM
; and outside 640K-1M, all of low memory below 0x9FC00 and exactly mem_upper
; KiB above 1 MiB usable, and 0x9FC00 (the extended BIOS data area) reserved.
check_mmap:
    mov esi, [ebx + 48]                     ; mmap_addr
    mov ebp, esi
    add ebp, [ebx + 44]                     ; + mmap_length
    xor edi, edi                            ; usable bytes below 1 MiB
    mov dword [high_ram], 0                 ; usable bytes above 1 MiB
    mov dword [ebda_reserved], 0
.entry:
    cmp esi, ebp
    jae .done
    PRINT `mbtest: mmap `
    mov eax, [esi + 4]
    call puthex
    PRINT ` +`
    mov eax, [esi + 12]
    call puthex
    PRINT ` type `
    mov eax, [esi + 20]
    call puthex
    PRINT `\n`
    mov eax, [esi]
    EXPECT_EAX 20, "mmap entry size field is 20"
    mov eax, [esi + 8]
    or eax, [esi + 16]
    EXPECT_EAX 0, "mmap entry below 4 GiB"
    mov eax, [esi + 4]                      ; base
    mov ecx, eax
    add ecx, [esi + 12]                     ; end
    cmp dword [esi + 20], 1
    jne .reserved
    cmp ecx, 0xA0000
    ja .high
    add edi, [esi + 12]
    jmp .next
.high:
    cmp eax, 0x100000
    EXPECT ae, "usable mmap entry does not cover 640K-1M"
    cmp ecx, RAM_BYTES
    EXPECT be, "usable mmap entry inside RAM"
    mov eax, [esi + 12]
    add [high_ram], eax
    jmp .next
.reserved:
    cmp eax, 0x9FC00
    ja .next
    cmp ecx, 0x9FC00
    jbe .next
    mov dword [ebda_reserved], 1
.next:
    add esi, [esi]
    add esi, 4
    jmp .entry
.done:
    mov eax, edi
    EXPECT_EAX 0x9FC00, "mmap: RAM below 0x9FC00 usable"
    cmp dword [ebda_reserved], 1
    EXPECT e, "mmap: 0x9FC00 reserved"
    mov eax, [ebx + 8]
    shl eax, 10
    mov edx, eax
    mov eax, [high_ram]
    EXPECT_EAX edx, "mmap: usable RAM above 1 MiB is mem_upper"
    ret

; The command line is the kernel's file name, a space and the -append text.
check_cmdline:
    mov esi, [ebx + 16]
    PRINT `mbtest: cmdline "`
    call puts
    PRINT `"\n`
    mov edi, expected_args
    call ends_with
    EXPECT e, "cmdline ends with ' test-args'"
    cmp ecx, expected_args_len
    EXPECT a, "cmdline starts with the kernel name"
    ret

; One module: page-aligned above the kernel, the bytes of module.txt, and its
; string is the -initrd text (file name, space, arguments).
check_module:
    mov eax, [ebx + 20]
    EXPECT_EAX 1, "one module"
    mov ebp, [ebx + 24]                     ; mods_addr
    mov eax, [ebp]
    test eax, 0xFFF
    EXPECT z, "module page-aligned"
    cmp eax, bss_end
    EXPECT ae, "module above the kernel"
    mov eax, [ebp + 4]
    sub eax, [ebp]
    EXPECT_EAX module_len, "module size"
    mov esi, [ebp]
    mov edi, module_bytes
    mov ecx, module_len
    repe cmpsb
    EXPECT e, "module contents"
    mov esi, [ebp + 8]
    PRINT `mbtest: module string "`
    call puts
    PRINT `"\n`
    mov edi, expected_module_string
    call ends_with
    EXPECT e, "module string ends with 'module.txt modargs'"
    ret

; ZF set when the string at ESI ends with the string at EDI; ECX = length of ESI's.
ends_with:
    push esi
    push edi
    mov edx, esi
    call strlen
    mov ecx, eax                            ; length of the subject
    mov edx, edi
    call strlen                             ; length of the suffix
    cmp ecx, eax
    jb .no
    add esi, ecx
    sub esi, eax                            ; the subject's tail
    push ecx
    mov ecx, eax
    repe cmpsb
    pop ecx
    jmp .out
.no:
    or eax, 1                               ; clears ZF
.out:
    pop edi
    pop esi
    ret

; EAX = length of the zero-terminated string at EDX.
strlen:
    xor eax, eax
.loop:
    cmp byte [edx + eax], 0
    je .done
    inc eax
    jmp .loop
.done:
    ret

; Check helpers: ESI names the check.
check_eax:
    cmp eax, edx
    jne .bad
    jmp passed
.bad:
    push edx
    push eax
    PRINT `mbtest: FAIL `
    call puts
    PRINT `: got `
    pop eax
    call puthex
    PRINT ` expected `
    pop eax
    call puthex
    PRINT `\n`
    jmp failed

passed:
    inc dword [checks]
    PRINT `mbtest: ok `
    call puts
    PRINT `\n`
    ret

fail:
    PRINT `mbtest: FAIL `
    call puts
    PRINT `\n`
failed:
    PRINT `mbtest: FAIL\n`
    mov al, 1
    out DEBUG_EXIT, al
halt:
    cli
    hlt
    jmp halt

; Console output. puts: the zero-terminated string at ESI.
puts:
    push eax
    push esi
.loop:
    lodsb
    test al, al
    jz .done
    out DEBUGCON, al
    jmp .loop
.done:
    pop esi
    pop eax
    ret

; EAX as eight hex digits.
puthex:
    push eax
    push ecx
    push edx
    mov edx, eax
    mov ecx, 8
.digit:
    rol edx, 4
    mov eax, edx
    and eax, 0xF
    mov al, [hex_digits + eax]
    out DEBUGCON, al
    dec ecx
    jnz .digit
    pop edx
    pop ecx
    pop eax
    ret

; EAX in decimal.
putdec:
    push eax
    push ecx
    push edx
    push ebx
    mov ebx, 10
    xor ecx, ecx
.divide:
    xor edx, edx
    div ebx
    push edx
    inc ecx
    test eax, eax
    jnz .divide
.print:
    pop eax
    add al, '0'
    out DEBUGCON, al
    dec ecx
    jnz .print
    pop ebx
    pop edx
    pop ecx
    pop eax
    ret

section .data
align 4
data_marker:    dd 0x5AFEC0DE
checks:         dd 0
hex_digits:     db "0123456789ABCDEF"
expected_args:  db " test-args", 0
expected_args_len equ $ - expected_args - 1
expected_module_string: db "module.txt modargs", 0
module_bytes:   incbin "module.txt"
module_len      equ $ - module_bytes
align 4
load_end:

section .bss
entry_eax:      resd 1
entry_ebx:      resd 1
entry_esp:      resd 1
entry_eflags:   resd 1
entry_gdtr:     resb 8
high_ram:       resd 1
ebda_reserved:  resd 1
a20_probe:      resd 1
zeroes:         resb 256
zeroes_end:
                resb 16384
stack_top:
bss_end:
