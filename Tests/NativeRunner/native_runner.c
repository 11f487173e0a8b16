/*
 * Native side of SwiftPC's differential CPU test (Tests/X86Tests/Differential).
 *
 * Runs single x86 instructions on the host CPU (x86-64, 64-bit user mode) and
 * reports the general-purpose registers and EFLAGS after each one.  The Swift
 * test compiles it at test time (`cc -O1 -o native_runner native_runner.c
 * native_runner_paged.c`) and talks to one process over stdin/stdout.  It is
 * not a SwiftPM target.
 *
 * How an instruction runs: `spc_run_insn` (assembly below) saves the C
 * callee-saved registers, loads EFLAGS (PUSH/POPFQ) and the low 32 bits of
 * RAX RCX RDX RBX RBP RSI RDI from a state block (RSP is never loaded), CALLs a
 * buffer holding the instruction bytes followed by RET (0xC3), then stores the
 * seven registers and EFLAGS (PUSHFQ) back.  The instruction must not touch
 * RSP and must not carry a REX prefix; MOV, CALL and RET leave the flags alone.
 * A fault (#DE -> SIGFPE, and for diagnosing bad encodings #UD -> SIGILL,
 * #GP/#PF -> SIGSEGV, #BP -> SIGTRAP) is caught by a signal handler that
 * siglongjmps back; the vector reported is the trap number the kernel saved
 * (REG_TRAPNO), and the state reported for a faulting instruction is the state
 * before it.  After the instruction DF is cleared again for the C code.
 *
 * Protocol (all integers little-endian):
 *   On start the runner writes a hello: "SPCN", u32 version (1), u32 features
 *   (bit 0: LAHF/SAHF usable in 64-bit mode, CPUID 8000_0001h ECX bit 0),
 *   12 bytes CPUID vendor string.
 *   Request batch:  u32 caseCount (0 = exit), then caseCount cases, each:
 *       u32 regs[8] (EAX ECX EDX EBX ESP EBP ESI EDI), u32 eflags,
 *       u32 insnCount, then per instruction: u8 length (1..15), length bytes.
 *   Response batch (written after the whole request batch was read), per case:
 *       u32 stepCount (the number of instructions run, counting a faulting one;
 *       the sequence stops at the first fault), then per step:
 *       u8 fault (0xFF = none, else the exception vector),
 *       u32 regs[8], u32 eflags  (after the instruction, or before it if it faulted).
 *
 * `native_runner --paged` and `--paged64` run instructions with memory
 * operands against a data region with page protections: see
 * native_runner_paged.c.
 *
 * `native_runner --long` speaks the 64-bit protocol (hello "SPCL", version 1):
 * instructions may carry REX prefixes and use all sixteen 64-bit registers but
 * RSP, which `spc_run_insn64` never loads (its slot is passed through); the
 * state block then is u64 regs[16] (RAX RCX RDX RBX RSP RBP RSI RDI R8..R15)
 * followed by u32 eflags, in the request and in each step of the response
 * (u8 fault, u64 regs[16], u32 eflags), otherwise as in the default mode.
 *
 * `native_runner --selftest` runs a few hand-written cases and prints PASS/FAIL.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>

#include "native_runner.h"

/* void spc_run_insn(struct state *s, const void *code) */
__asm__(
    ".text\n"
    ".globl spc_run_insn\n"
    ".type spc_run_insn,@function\n"
    "spc_run_insn:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    mov %rdi, %r15\n"
    "    mov %rsi, %r14\n"
    "    mov 32(%r15), %eax\n"
    "    push %rax\n"
    "    popfq\n"
    "    mov 0(%r15), %eax\n"
    "    mov 4(%r15), %ecx\n"
    "    mov 8(%r15), %edx\n"
    "    mov 12(%r15), %ebx\n"
    "    mov 20(%r15), %ebp\n"
    "    mov 24(%r15), %esi\n"
    "    mov 28(%r15), %edi\n"
    "    call *%r14\n"
    "    mov %eax, 0(%r15)\n"
    "    mov %ecx, 4(%r15)\n"
    "    mov %edx, 8(%r15)\n"
    "    mov %ebx, 12(%r15)\n"
    "    mov %ebp, 20(%r15)\n"
    "    mov %esi, 24(%r15)\n"
    "    mov %edi, 28(%r15)\n"
    "    pushfq\n"
    "    pop %rax\n"
    "    mov %eax, 32(%r15)\n"
    "    cld\n" /* the C code around us relies on DF = 0 */
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size spc_run_insn, .-spc_run_insn\n");

void spc_run_insn(struct state *s, const void *code);

/* The state and the code of the instruction spc_run_insn64 runs: globals,
 * reached RIP-relative, since the instruction may use every register but RSP
 * and so none can hold a pointer to them across it. */
__attribute__((visibility("hidden"))) struct state64 spc_state64;
__attribute__((visibility("hidden"))) const void *spc_code64;

/* void spc_run_insn64(void): as spc_run_insn for spc_state64 and spc_code64,
 * loading and storing all sixteen registers but RSP in full. */
#define S64(offset) "spc_state64+" #offset "(%rip)"
#define LOAD64(offset, reg) "    mov " S64(offset) ", %" #reg "\n"
#define STORE64(offset, reg) "    mov %" #reg ", " S64(offset) "\n"
__asm__(
    ".text\n"
    ".globl spc_run_insn64\n"
    ".hidden spc_run_insn64\n"
    ".type spc_run_insn64,@function\n"
    "spc_run_insn64:\n"
    "    push %rbx\n    push %rbp\n    push %r12\n    push %r13\n    push %r14\n    push %r15\n"
    "    mov " S64(128) ", %eax\n"
    "    push %rax\n"
    "    popfq\n"
    LOAD64(0, rax) LOAD64(8, rcx) LOAD64(16, rdx) LOAD64(24, rbx) LOAD64(40, rbp) LOAD64(48, rsi) LOAD64(56, rdi)
    LOAD64(64, r8) LOAD64(72, r9) LOAD64(80, r10) LOAD64(88, r11)
    LOAD64(96, r12) LOAD64(104, r13) LOAD64(112, r14) LOAD64(120, r15)
    "    call *spc_code64(%rip)\n"
    STORE64(0, rax) STORE64(8, rcx) STORE64(16, rdx) STORE64(24, rbx) STORE64(40, rbp) STORE64(48, rsi) STORE64(56, rdi)
    STORE64(64, r8) STORE64(72, r9) STORE64(80, r10) STORE64(88, r11)
    STORE64(96, r12) STORE64(104, r13) STORE64(112, r14) STORE64(120, r15)
    "    pushfq\n"
    "    pop %rax\n"
    "    mov %eax, " S64(128) "\n"
    "    cld\n"
    "    pop %r15\n    pop %r14\n    pop %r13\n    pop %r12\n    pop %rbp\n    pop %rbx\n"
    "    ret\n"
    ".size spc_run_insn64, .-spc_run_insn64\n");

void spc_run_insn64(void);

static uint8_t *code_page;
static int code_page_rwx; /* 0: the page is toggled RW <-> RX around each write */
static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_armed;

struct fault_record last_fault;

static void on_fault(int sig, siginfo_t *info, void *context) {
    if (!fault_armed) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    fault_armed = 0;
    const greg_t *g = ((const ucontext_t *)context)->uc_mcontext.gregs;
    static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                  REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    last_fault.vector = (int)g[REG_TRAPNO];
    last_fault.error_code = (uint32_t)g[REG_ERR];
    last_fault.address = last_fault.vector == 14 ? (uint64_t)(uintptr_t)info->si_addr : 0;
    last_fault.rip = (uint64_t)g[REG_RIP];
    for (int r = 0; r < 16; r++) last_fault.at_fault.regs[r] = (uint64_t)g[order[r]];
    last_fault.at_fault.eflags = (uint32_t)g[REG_EFL];
    siglongjmp(fault_env, 1);
}

static void setup(void) {
    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    code_page_rwx = code_page != MAP_FAILED;
    if (!code_page_rwx) {
        code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (code_page == MAP_FAILED) { perror("mmap"); exit(2); }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

void use_code_page(uint8_t *page, int rwx) {
    code_page = page;
    code_page_rwx = rwx;
}

static void place_code(const uint8_t *bytes, unsigned len) {
    if (!code_page_rwx) mprotect(code_page, 4096, PROT_READ | PROT_WRITE);
    memset(code_page, 0xCC, 64);
    memcpy(code_page, bytes, len);
    code_page[len] = 0xC3; /* RET */
    if (!code_page_rwx) mprotect(code_page, 4096, PROT_READ | PROT_EXEC);
}

/* Runs one instruction on *s; returns NO_FAULT or the vector (then *s is
 * unchanged and last_fault describes the fault). */
int run_one(struct state *s, const uint8_t *bytes, unsigned len) {
    place_code(bytes, len);
    static struct state work; /* static: must survive the siglongjmp */
    work = *s;
    if (sigsetjmp(fault_env, 1) != 0) return last_fault.vector;
    fault_armed = 1;
    spc_run_insn(&work, code_page);
    fault_armed = 0;
    *s = work;
    return NO_FAULT;
}

/* As run_one, for the 64-bit state. */
int run_one64(struct state64 *s, const uint8_t *bytes, unsigned len) {
    place_code(bytes, len);
    spc_state64 = *s;
    spc_code64 = code_page;
    if (sigsetjmp(fault_env, 1) != 0) return last_fault.vector;
    fault_armed = 1;
    spc_run_insn64();
    fault_armed = 0;
    *s = spc_state64;
    return NO_FAULT;
}

static uint32_t features(char vendor[12]) {
    unsigned a, b, c, d;
    memset(vendor, 0, 12);
    if (__get_cpuid(0, &a, &b, &c, &d)) {
        memcpy(vendor, &b, 4);
        memcpy(vendor + 4, &d, 4);
        memcpy(vendor + 8, &c, 4);
    }
    uint32_t f = 0;
    if (__get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & 1)) f |= 1;
    return f;
}

/* ---- stdin/stdout protocol ---- */

void read_exact(void *p, size_t n) {
    if (n && fread(p, 1, n, stdin) != n) exit(feof(stdin) ? 0 : 3);
}
void write_exact(const void *p, size_t n) {
    if (n && fwrite(p, 1, n, stdout) != n) exit(4);
}
uint32_t read_u32(void) {
    uint8_t b[4];
    read_exact(b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
uint64_t read_u64(void) {
    uint64_t low = read_u32();
    return low | (uint64_t)read_u32() << 32;
}
void put_u64(uint8_t *p, uint64_t v) {
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Growable output buffer for one batch of responses. */
uint8_t *out_buf;
size_t out_len;
static size_t out_cap;
uint8_t *out_reserve(size_t n) {
    if (out_len + n > out_cap) {
        out_cap = (out_len + n) * 2 + 4096;
        out_buf = realloc(out_buf, out_cap);
        if (!out_buf) exit(5);
    }
    uint8_t *p = out_buf + out_len;
    out_len += n;
    return p;
}

void send_responses(void) {
    write_exact(out_buf, out_len);
    fflush(stdout);
}

/* The hello of a protocol: its 4-byte magic, version 1, features, vendor. */
void send_hello(const char magic[4]) {
    char vendor[12];
    uint8_t hello[24];
    memcpy(hello, magic, 4);
    put_u32(hello + 4, 1);
    put_u32(hello + 8, features(vendor));
    memcpy(hello + 12, vendor, 12);
    write_exact(hello, sizeof hello);
    fflush(stdout);
}

/* A case's instruction count and instructions; 0 on a malformed request. */
int read_instructions(struct insn *insns, uint32_t *count) {
    uint32_t n = read_u32();
    if (n > MAX_STEPS) { fprintf(stderr, "native_runner: too many instructions (%u)\n", n); return 0; }
    for (uint32_t i = 0; i < n; i++) {
        read_exact(&insns[i].len, 1);
        if (insns[i].len == 0 || insns[i].len > MAX_INSN) {
            fprintf(stderr, "native_runner: bad instruction length %u\n", insns[i].len);
            return 0;
        }
        read_exact(insns[i].bytes, insns[i].len);
    }
    *count = n;
    return 1;
}

static int serve(void) {
    send_hello("SPCN");

    static struct insn insns[MAX_STEPS];
    for (;;) {
        uint32_t cases = read_u32();
        if (cases == 0) return 0;
        out_len = 0;
        for (uint32_t c = 0; c < cases; c++) {
            struct state s;
            for (int r = 0; r < 8; r++) s.regs[r] = read_u32();
            s.eflags = read_u32();
            uint32_t n;
            if (!read_instructions(insns, &n)) return 6;
            size_t count_at = out_len;
            out_reserve(4);
            uint32_t steps = 0;
            for (uint32_t i = 0; i < n; i++) {
                int fault = run_one(&s, insns[i].bytes, insns[i].len);
                uint8_t *p = out_reserve(37);
                p[0] = (uint8_t)fault;
                for (int r = 0; r < 8; r++) put_u32(p + 1 + 4 * r, s.regs[r]);
                put_u32(p + 33, s.eflags);
                steps++;
                if (fault != NO_FAULT) break;
            }
            put_u32(out_buf + count_at, steps);
        }
        send_responses();
    }
}

/* ---- --long: all sixteen 64-bit registers, REX prefixes ---- */

static int serve_long(void) {
    send_hello("SPCL");

    static struct insn insns[MAX_STEPS];
    for (;;) {
        uint32_t cases = read_u32();
        if (cases == 0) return 0;
        out_len = 0;
        for (uint32_t c = 0; c < cases; c++) {
            struct state64 s;
            for (int r = 0; r < 16; r++) s.regs[r] = read_u64();
            s.eflags = read_u32();
            uint32_t n;
            if (!read_instructions(insns, &n)) return 6;
            size_t count_at = out_len;
            out_reserve(4);
            uint32_t steps = 0;
            for (uint32_t i = 0; i < n; i++) {
                int fault = run_one64(&s, insns[i].bytes, insns[i].len);
                uint8_t *p = out_reserve(133);
                p[0] = (uint8_t)fault;
                for (int r = 0; r < 16; r++) put_u64(p + 1 + 8 * r, s.regs[r]);
                put_u32(p + 129, s.eflags);
                steps++;
                if (fault != NO_FAULT) break;
            }
            put_u32(out_buf + count_at, steps);
        }
        send_responses();
    }
}

/* ---- --selftest: hand-written cases with known results ---- */

static int failures;

static void expect(const char *name, struct state s, const uint8_t *code, unsigned len,
                   int want_fault, int reg, uint32_t want_value, uint32_t flag_mask, uint32_t want_flags) {
    struct state before = s;
    int fault = run_one(&s, code, len);
    int ok = fault == want_fault;
    if (ok && fault != NO_FAULT) ok = memcmp(&s, &before, sizeof s) == 0;
    if (ok && reg >= 0) ok = s.regs[reg] == want_value;
    if (ok) ok = (s.eflags & flag_mask) == want_flags;
    printf("%s %s: fault=%d r%d=%08x eflags=%08x\n", ok ? "PASS" : "FAIL", name, fault,
           reg, reg >= 0 ? s.regs[reg] : 0, s.eflags);
    if (!ok) failures++;
}

static void expect64(const char *name, struct state64 s, const uint8_t *code, unsigned len,
                     int reg, uint64_t want_value, uint32_t flag_mask, uint32_t want_flags) {
    int fault = run_one64(&s, code, len);
    int ok = fault == NO_FAULT && s.regs[reg] == want_value && (s.eflags & flag_mask) == want_flags;
    printf("%s %s: fault=%d r%d=%016llx eflags=%08x\n", ok ? "PASS" : "FAIL", name, fault,
           reg, (unsigned long long)s.regs[reg], s.eflags);
    if (!ok) failures++;
}

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define ARITH (CF | PF | AF | ZF | SF | OF)

static int selftest(void) {
    char vendor[12];
    uint32_t f = features(vendor);
    printf("vendor %.12s, features %x, page %s\n", vendor, f, code_page_rwx ? "rwx" : "rw/rx toggled");
    struct state s = {{0}, 0x2};

    /* add eax, ebx (01 D8): 0xFFFFFFFF + 1 = 0, CF ZF AF PF set */
    s.regs[0] = 0xFFFFFFFFu; s.regs[3] = 1;
    expect("add eax,ebx", s, (const uint8_t[]){0x01, 0xD8}, 2, NO_FAULT, 0, 0, ARITH, CF | ZF | AF | PF);
    /* add ax, bx (66 01 D8): upper half of EAX kept */
    s.regs[0] = 0x1234FFFFu; s.regs[3] = 0x00000001u;
    expect("add ax,bx", s, (const uint8_t[]){0x66, 0x01, 0xD8}, 3, NO_FAULT, 0, 0x12340000u, ARITH, CF | ZF | AF | PF);
    /* sub al, 1 with AL=0x80 (2C 01): 0x7F, OF AF set */
    s.regs[0] = 0x80;
    expect("sub al,1", s, (const uint8_t[]){0x2C, 0x01}, 2, NO_FAULT, 0, 0x7F, ARITH, OF | AF);
    /* adc eax, 0 with CF=1 (83 D0 00) */
    s.regs[0] = 41; s.eflags = 0x2 | CF;
    expect("adc eax,0 cf=1", s, (const uint8_t[]){0x83, 0xD0, 0x00}, 3, NO_FAULT, 0, 42, ARITH, 0);
    s.eflags = 0x2;
    /* mov ah, 0x5A (B4 5A) */
    s.regs[0] = 0x11223344u;
    expect("mov ah,5a", s, (const uint8_t[]){0xB4, 0x5A}, 2, NO_FAULT, 0, 0x11225A44u, 0, 0);
    /* div ecx with ECX=0 (F7 F1): #DE, state unchanged */
    s.regs[0] = 100; s.regs[1] = 0; s.regs[2] = 0;
    expect("div ecx (0)", s, (const uint8_t[]){0xF7, 0xF1}, 2, 0, -1, 0, 0, 0);
    /* div ecx: 100 / 7 = 14 rem 2 */
    s.regs[1] = 7;
    expect("div ecx (7)", s, (const uint8_t[]){0xF7, 0xF1}, 2, NO_FAULT, 0, 14, 0, 0);
    expect("div ecx (7) rem", s, (const uint8_t[]){0xF7, 0xF1}, 2, NO_FAULT, 2, 2, 0, 0);
    /* idiv cl: AX=0x8000 / -1 overflows: #DE */
    s.regs[0] = 0x8000; s.regs[1] = 0xFF;
    expect("idiv cl overflow", s, (const uint8_t[]){0xF6, 0xF9}, 2, 0, -1, 0, 0, 0);
    /* after a fault the next instruction still works: shl eax, 4 (C1 E0 04) */
    s.regs[0] = 0x10000001u;
    expect("shl eax,4", s, (const uint8_t[]){0xC1, 0xE0, 0x04}, 3, NO_FAULT, 0, 0x00000010u, CF | ZF | SF | PF, CF);
    /* bsf ecx, edx with EDX=0x80 (0F BC CA): ECX=7, ZF=0 */
    s.regs[2] = 0x80;
    expect("bsf ecx,edx", s, (const uint8_t[]){0x0F, 0xBC, 0xCA}, 3, NO_FAULT, 1, 7, ZF, 0);
    /* undefined opcode: ud2 (0F 0B) */
    expect("ud2", s, (const uint8_t[]){0x0F, 0x0B}, 2, 6, -1, 0, 0, 0);
    /* popfq loads the flags: stc; the flags come back with CF */
    s.eflags = 0x2 | SF | OF;
    expect("stc keeps sf of", s, (const uint8_t[]){0xF9}, 1, NO_FAULT, -1, 0, ARITH, SF | OF | CF);

    /* 64-bit: add rax, rbx (48 01 D8): all ones + 1 = 0, CF ZF AF PF set */
    struct state64 l = {{0}, 0x2};
    l.regs[0] = ~0ull; l.regs[3] = 1;
    expect64("add rax,rbx", l, (const uint8_t[]){0x48, 0x01, 0xD8}, 3, 0, 0, ARITH, CF | ZF | AF | PF);
    /* mov r15, imm64 (49 BF) */
    expect64("mov r15,imm64", l, (const uint8_t[]){0x49, 0xBF, 0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12}, 10,
             15, 0x123456789ABCDEF0ull, 0, 0);
    /* cmovz eax, ecx with ZF = 0 (0F 44 C1): no move, but RAX is zero-extended */
    l.regs[0] = 0xFFFFFFFF00000001ull;
    expect64("cmovz eax,ecx false", l, (const uint8_t[]){0x0F, 0x44, 0xC1}, 3, 0, 1, 0, 0);
    /* div r9 (49 F7 F1): RDX:RAX = 2^64 / 2 */
    l.regs[0] = 0; l.regs[2] = 1; l.regs[9] = 2;
    expect64("div r9", l, (const uint8_t[]){0x49, 0xF7, 0xF1}, 3, 0, 0x8000000000000000ull, 0, 0);
    /* setne sil (40 0F 95 C6): SIL, not DH */
    l.regs[6] = 0x1100;
    expect64("setne sil", l, (const uint8_t[]){0x40, 0x0F, 0x95, 0xC6}, 4, 6, 0x1101, 0, 0);

    /* timing: 100,000 instructions */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 100000; i++) run_one(&s, (const uint8_t[]){0x01, 0xD8}, 2);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("100000 instructions: %.1f ms\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    printf("%s: %d failed\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}

int main(int argc, char **argv) {
    setup();
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0) return selftest();
    if (argc > 1 && strcmp(argv[1], "--paged") == 0) return serve_paged();
    if (argc > 1 && strcmp(argv[1], "--paged64") == 0) return serve_paged64();
    if (argc > 1 && strcmp(argv[1], "--long") == 0) return serve_long();
    return serve();
}
