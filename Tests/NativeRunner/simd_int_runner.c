/*
 * Native side of SwiftPC's packed-integer differential test
 * (Tests/X86Tests/SIMD/PackedIntegerDifferentialTests.swift).
 *
 * Runs single MMX/SSE2/SSSE3 instructions, given as machine code, on the
 * host CPU from a given register state and reports the state after them, or
 * the exception they raised.  The Swift test compiles it at test time
 * (`cc -O1 -o simd_int_runner simd_int_runner.c`) and talks to one process
 * over stdin/stdout.  It is not a SwiftPM target.
 *
 * Each case's code is copied into an executable page followed by RET and
 * called from a trampoline that loads XMM0-15, MM0-7 and the general
 * registers from the case's state and stores them back afterwards.  The
 * trampoline keeps the state pointer in RDI and the code address in R11, so
 * the instructions must not use RDI, RSP or R11; their values are reported as
 * they were given.  With flag bit 0 set, RSI and R14 hold offsets into the
 * case's 64-byte memory block (which is 64-byte aligned) and are rebased to
 * it for the run and back afterwards, so memory operands are addressed as
 * [rsi/r14 + disp].  A SIGILL, SIGSEGV or SIGBUS raised by the instruction
 * is reported as the exception vector behind it: 6 (#UD) for SIGILL, 13
 * (#GP) for SIGSEGV with si_code SI_KERNEL, 14 (#PF) for another SIGSEGV, 17
 * (#AC) for SIGBUS; 0xFF for no exception.
 *
 * Protocol (little-endian):
 *   hello: "SPCI", u32 version (1).
 *   request batch: u32 caseCount (0 = exit), then per case 528 bytes:
 *       u8 length (1-14), u8 flags, u8 code[14],
 *       u8 xmm[16][16], u8 mm[8][8], u64 gpr[16] (RAX RCX RDX RBX RSP RBP
 *       RSI RDI R8-R15), u8 memory[64].
 *   The runner reads the whole batch before it answers.
 *   response per case, 528 bytes: u8 vector, u8 pad[15], then the state
 *       after the instruction in the request's layout (as given when it
 *       faulted).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { CASE_SIZE = 528, HEADER = 16, STATE = 512, GPR = 320, MEMORY = 448 };
enum { RSP = 4, RSI = 6, RDI = 7, R11 = 11, R14 = 14 };

void spc_enter(uint8_t *state, void *code);

__asm__(
    ".text\n"
    ".type spc_enter, @function\n"
    "spc_enter:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsi, %r11\n"
    "  movdqu 0(%rdi), %xmm0\n movdqu 16(%rdi), %xmm1\n movdqu 32(%rdi), %xmm2\n movdqu 48(%rdi), %xmm3\n"
    "  movdqu 64(%rdi), %xmm4\n movdqu 80(%rdi), %xmm5\n movdqu 96(%rdi), %xmm6\n movdqu 112(%rdi), %xmm7\n"
    "  movdqu 128(%rdi), %xmm8\n movdqu 144(%rdi), %xmm9\n movdqu 160(%rdi), %xmm10\n movdqu 176(%rdi), %xmm11\n"
    "  movdqu 192(%rdi), %xmm12\n movdqu 208(%rdi), %xmm13\n movdqu 224(%rdi), %xmm14\n movdqu 240(%rdi), %xmm15\n"
    "  movq 256(%rdi), %mm0\n movq 264(%rdi), %mm1\n movq 272(%rdi), %mm2\n movq 280(%rdi), %mm3\n"
    "  movq 288(%rdi), %mm4\n movq 296(%rdi), %mm5\n movq 304(%rdi), %mm6\n movq 312(%rdi), %mm7\n"
    "  mov 320(%rdi), %rax\n mov 328(%rdi), %rcx\n mov 336(%rdi), %rdx\n mov 344(%rdi), %rbx\n"
    "  mov 360(%rdi), %rbp\n mov 368(%rdi), %rsi\n mov 384(%rdi), %r8\n mov 392(%rdi), %r9\n"
    "  mov 400(%rdi), %r10\n mov 416(%rdi), %r12\n mov 424(%rdi), %r13\n mov 432(%rdi), %r14\n"
    "  mov 440(%rdi), %r15\n"
    "  call *%r11\n"
    "  movdqu %xmm0, 0(%rdi)\n movdqu %xmm1, 16(%rdi)\n movdqu %xmm2, 32(%rdi)\n movdqu %xmm3, 48(%rdi)\n"
    "  movdqu %xmm4, 64(%rdi)\n movdqu %xmm5, 80(%rdi)\n movdqu %xmm6, 96(%rdi)\n movdqu %xmm7, 112(%rdi)\n"
    "  movdqu %xmm8, 128(%rdi)\n movdqu %xmm9, 144(%rdi)\n movdqu %xmm10, 160(%rdi)\n movdqu %xmm11, 176(%rdi)\n"
    "  movdqu %xmm12, 192(%rdi)\n movdqu %xmm13, 208(%rdi)\n movdqu %xmm14, 224(%rdi)\n movdqu %xmm15, 240(%rdi)\n"
    "  movq %mm0, 256(%rdi)\n movq %mm1, 264(%rdi)\n movq %mm2, 272(%rdi)\n movq %mm3, 280(%rdi)\n"
    "  movq %mm4, 288(%rdi)\n movq %mm5, 296(%rdi)\n movq %mm6, 304(%rdi)\n movq %mm7, 312(%rdi)\n"
    "  mov %rax, 320(%rdi)\n mov %rcx, 328(%rdi)\n mov %rdx, 336(%rdi)\n mov %rbx, 344(%rdi)\n"
    "  mov %rbp, 360(%rdi)\n mov %rsi, 368(%rdi)\n mov %r8, 384(%rdi)\n mov %r9, 392(%rdi)\n"
    "  mov %r10, 400(%rdi)\n mov %r12, 416(%rdi)\n mov %r13, 424(%rdi)\n mov %r14, 432(%rdi)\n"
    "  mov %r15, 440(%rdi)\n"
    "  emms\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n"
    ".size spc_enter, .-spc_enter\n");

static sigjmp_buf recover;
static volatile sig_atomic_t vector;

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void)context;
    if (sig == SIGILL) vector = 6;
    else if (sig == SIGBUS) vector = 17;
    else vector = info->si_code == SI_KERNEL ? 13 : 14;
    siglongjmp(recover, 1);
}

#include "runner_io.h"

static uint64_t get_gpr(const uint8_t *state, int r) {
    uint64_t v;
    memcpy(&v, state + GPR + 8 * r, 8);
    return v;
}

static void set_gpr(uint8_t *state, int r, uint64_t v) { memcpy(state + GPR + 8 * r, &v, 8); }

/* The case's state in `state`, with RSI and R14 rebased when asked. */
static void load_state(uint8_t *state, const uint8_t *in) {
    memcpy(state, in + HEADER, STATE);
    if (in[1] & 1) {
        uint64_t memory = (uint64_t)(uintptr_t)(state + MEMORY);
        set_gpr(state, RSI, get_gpr(state, RSI) + memory);
        set_gpr(state, R14, get_gpr(state, R14) + memory);
    }
}

/* One case: `in` is the request, `out` the response. */
static void run_case(uint8_t *page, const uint8_t *in, uint8_t *out) {
    static uint8_t state[STATE] __attribute__((aligned(64)));
    uint8_t length = in[0] > 14 ? 14 : in[0];
    memcpy(page, in + 2, length);
    page[length] = 0xC3;
    load_state(state, in);
    vector = 0xFF;
    if (sigsetjmp(recover, 1) == 0) {
        spc_enter(state, page);
    } else {
        __asm__ volatile("emms");
        load_state(state, in);
    }
    if (in[1] & 1) {
        uint64_t memory = (uint64_t)(uintptr_t)(state + MEMORY);
        set_gpr(state, RSI, get_gpr(state, RSI) - memory);
        set_gpr(state, R14, get_gpr(state, R14) - memory);
    }
    set_gpr(state, RSP, get_gpr(in + HEADER, RSP));
    set_gpr(state, RDI, get_gpr(in + HEADER, RDI));
    set_gpr(state, R11, get_gpr(in + HEADER, R11));
    memset(out, 0, HEADER);
    out[0] = (uint8_t)vector;
    memcpy(out + HEADER, state, STATE);
}

int main(void) {
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return 2;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &action, NULL);
    sigaction(SIGSEGV, &action, NULL);
    sigaction(SIGBUS, &action, NULL);
    const uint8_t hello[8] = {'S', 'P', 'C', 'I', 1, 0, 0, 0};
    write_all(hello, sizeof hello);
    for (;;) {
        uint32_t count;
        if (read_exact(&count, 4) != 0 || count == 0) return 0;
        uint8_t *in = malloc((size_t)count * CASE_SIZE), *out = malloc((size_t)count * CASE_SIZE);
        if (!in || !out || read_exact(in, (size_t)count * CASE_SIZE) != 0) return 1;
        for (uint32_t k = 0; k < count; k++) run_case(page, in + (size_t)k * CASE_SIZE, out + (size_t)k * CASE_SIZE);
        write_all(out, (size_t)count * CASE_SIZE);
        free(in);
        free(out);
    }
}
