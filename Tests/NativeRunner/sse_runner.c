/*
 * Native side of SwiftPC's SSE SoftFloat differential test
 * (Tests/X86Tests/SoftFloat/SSEDifferentialTests.swift).
 *
 * Runs single SSE/SSE2/SSE3 floating-point instructions on the host CPU with
 * a given MXCSR and reports XMM0, RAX, MXCSR and the arithmetic flags after
 * them.  The Swift test compiles it at test time (`cc -O1 -o sse_runner
 * sse_runner.c`) and talks to one process over stdin/stdout.  It is not a
 * SwiftPM target.
 *
 * Each case loads XMM0 = a, XMM1 = b, RAX = the low 8 bytes of a, RCX = the
 * low 8 bytes of b, RFLAGS = 0x8D7 (CF PF AF ZF SF OF set), then MXCSR, and
 * runs one instruction with XMM0 (or RAX/EAX) as the destination and XMM1
 * (or RCX/ECX) as the source.  When the instruction raises an unmasked
 * SIMD floating-point exception the kernel delivers SIGFPE; the handler
 * records the fault and resumes after the instruction, so the state read
 * back is what the processor left when it delivered #XM (the kernel
 * restores it from the signal frame on return).
 *
 * Protocol (little-endian):
 *   hello: "SPCS", u32 version (1).
 *   request batch: u32 caseCount (0 = exit), then per case:
 *       u8 op, u8 imm (the CMPPS/CMPSS predicate), u16 0, u32 MXCSR,
 *       u8 a[16], u8 b[16].
 *   response per case: u8 xmm0[16], u64 rax, u32 MXCSR, u16 RFLAGS & 0x8D5,
 *       u8 faulted (1 when #XM was delivered), u8 0.
 *   Operations (op), destination first:
 *     0-3 ADDPS ADDSS ADDPD ADDSD, 4-7 SUB, 8-11 MUL, 12-15 DIV,
 *     16-19 SQRT, 20-23 MIN, 24-27 MAX, 28-31 CMP (same order, imm 0-7),
 *     32 COMISS 33 UCOMISS 34 COMISD 35 UCOMISD (RFLAGS),
 *     36 CVTSS2SD 37 CVTSD2SS 38 CVTPS2PD 39 CVTPD2PS,
 *     40 CVTSI2SS xmm0,ecx 41 CVTSI2SS xmm0,rcx 42 CVTSI2SD xmm0,ecx
 *     43 CVTSI2SD xmm0,rcx,
 *     44 CVTSS2SI eax 45 CVTSS2SI rax 46 CVTTSS2SI eax 47 CVTTSS2SI rax
 *     48 CVTSD2SI eax 49 CVTSD2SI rax 50 CVTTSD2SI eax 51 CVTTSD2SI rax,
 *     52 CVTDQ2PS 53 CVTPS2DQ 54 CVTTPS2DQ 55 CVTDQ2PD 56 CVTPD2DQ
 *     57 CVTTPD2DQ, 58 RCPPS 59 RCPSS 60 RSQRTPS 61 RSQRTSS,
 *     62 ADDSUBPS 63 ADDSUBPD 64 HADDPS 65 HADDPD 66 HSUBPS 67 HSUBPD.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "runner_io.h"

/* Where the SIGFPE handler resumes: the label after the instruction. */
static volatile uint64_t resume_at;
static volatile int faulted;

static void on_fpe(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)info;
    ucontext_t *uc = context;
    faulted = 1;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)resume_at;
}

struct state {
    uint8_t a[16], b[16], r[16];
    uint64_t rax, flags;
    uint32_t mxcsr, mxcsr_out, default_mxcsr;
};

/* The state is addressed through RBX (never through RSP, which moves below
 * the red zone around PUSHFQ/POPFQ); the offsets are those of struct state. */
_Static_assert(offsetof(struct state, a) == 0 && offsetof(struct state, b) == 16 &&
               offsetof(struct state, r) == 32 && offsetof(struct state, rax) == 48 &&
               offsetof(struct state, flags) == 56 && offsetof(struct state, mxcsr) == 64 &&
               offsetof(struct state, mxcsr_out) == 68 && offsetof(struct state, default_mxcsr) == 72,
               "struct state layout");
#define RUN(insn) \
    __asm__ volatile( \
        "movdqu 0(%%rbx), %%xmm0\n movdqu 16(%%rbx), %%xmm1\n mov 0(%%rbx), %%rax\n mov 16(%%rbx), %%rcx\n" \
        "lea 1f(%%rip), %%rdx\n mov %%rdx, %[resume]\n" \
        "lea -128(%%rsp), %%rsp\n pushq $0x8D7\n popfq\n ldmxcsr 64(%%rbx)\n" \
        insn "\n" \
        "1:\n pushfq\n popq %%rdx\n lea 128(%%rsp), %%rsp\n" \
        "stmxcsr 68(%%rbx)\n ldmxcsr 72(%%rbx)\n movdqu %%xmm0, 32(%%rbx)\n mov %%rax, 48(%%rbx)\n mov %%rdx, 56(%%rbx)\n" \
        : [resume] "=m"(resume_at) \
        : "b"(s) \
        : "rax", "rcx", "rdx", "xmm0", "xmm1", "memory", "cc")

#define FOUR(p, s1, p2, s2) \
    case 0: RUN(p " %%xmm1, %%xmm0"); break; case 1: RUN(s1 " %%xmm1, %%xmm0"); break; \
    case 2: RUN(p2 " %%xmm1, %%xmm0"); break; case 3: RUN(s2 " %%xmm1, %%xmm0"); break;

#define CMP4(imm) \
    case imm: \
        switch (op) { \
        case 28: RUN("cmpps $" #imm ", %%xmm1, %%xmm0"); break; \
        case 29: RUN("cmpss $" #imm ", %%xmm1, %%xmm0"); break; \
        case 30: RUN("cmppd $" #imm ", %%xmm1, %%xmm0"); break; \
        default: RUN("cmpsd $" #imm ", %%xmm1, %%xmm0"); break; \
        } \
        break;

static void run(uint8_t op, uint8_t imm, struct state *s) {
    if (op < 28) {
        switch (op / 4) {
        case 0: switch (op % 4) { FOUR("addps", "addss", "addpd", "addsd") } break;
        case 1: switch (op % 4) { FOUR("subps", "subss", "subpd", "subsd") } break;
        case 2: switch (op % 4) { FOUR("mulps", "mulss", "mulpd", "mulsd") } break;
        case 3: switch (op % 4) { FOUR("divps", "divss", "divpd", "divsd") } break;
        case 4: switch (op % 4) { FOUR("sqrtps", "sqrtss", "sqrtpd", "sqrtsd") } break;
        case 5: switch (op % 4) { FOUR("minps", "minss", "minpd", "minsd") } break;
        default: switch (op % 4) { FOUR("maxps", "maxss", "maxpd", "maxsd") } break;
        }
        return;
    }
    if (op < 32) {
        switch (imm & 7) { CMP4(0) CMP4(1) CMP4(2) CMP4(3) CMP4(4) CMP4(5) CMP4(6) CMP4(7) }
        return;
    }
    switch (op) {
    case 32: RUN("comiss %%xmm1, %%xmm0"); break;
    case 33: RUN("ucomiss %%xmm1, %%xmm0"); break;
    case 34: RUN("comisd %%xmm1, %%xmm0"); break;
    case 35: RUN("ucomisd %%xmm1, %%xmm0"); break;
    case 36: RUN("cvtss2sd %%xmm1, %%xmm0"); break;
    case 37: RUN("cvtsd2ss %%xmm1, %%xmm0"); break;
    case 38: RUN("cvtps2pd %%xmm1, %%xmm0"); break;
    case 39: RUN("cvtpd2ps %%xmm1, %%xmm0"); break;
    case 40: RUN("cvtsi2ssl %%ecx, %%xmm0"); break;
    case 41: RUN("cvtsi2ssq %%rcx, %%xmm0"); break;
    case 42: RUN("cvtsi2sdl %%ecx, %%xmm0"); break;
    case 43: RUN("cvtsi2sdq %%rcx, %%xmm0"); break;
    case 44: RUN("cvtss2si %%xmm1, %%eax"); break;
    case 45: RUN("cvtss2si %%xmm1, %%rax"); break;
    case 46: RUN("cvttss2si %%xmm1, %%eax"); break;
    case 47: RUN("cvttss2si %%xmm1, %%rax"); break;
    case 48: RUN("cvtsd2si %%xmm1, %%eax"); break;
    case 49: RUN("cvtsd2si %%xmm1, %%rax"); break;
    case 50: RUN("cvttsd2si %%xmm1, %%eax"); break;
    case 51: RUN("cvttsd2si %%xmm1, %%rax"); break;
    case 52: RUN("cvtdq2ps %%xmm1, %%xmm0"); break;
    case 53: RUN("cvtps2dq %%xmm1, %%xmm0"); break;
    case 54: RUN("cvttps2dq %%xmm1, %%xmm0"); break;
    case 55: RUN("cvtdq2pd %%xmm1, %%xmm0"); break;
    case 56: RUN("cvtpd2dq %%xmm1, %%xmm0"); break;
    case 57: RUN("cvttpd2dq %%xmm1, %%xmm0"); break;
    case 58: RUN("rcpps %%xmm1, %%xmm0"); break;
    case 59: RUN("rcpss %%xmm1, %%xmm0"); break;
    case 60: RUN("rsqrtps %%xmm1, %%xmm0"); break;
    case 61: RUN("rsqrtss %%xmm1, %%xmm0"); break;
    case 62: RUN("addsubps %%xmm1, %%xmm0"); break;
    case 63: RUN("addsubpd %%xmm1, %%xmm0"); break;
    case 64: RUN("haddps %%xmm1, %%xmm0"); break;
    case 65: RUN("haddpd %%xmm1, %%xmm0"); break;
    case 66: RUN("hsubps %%xmm1, %%xmm0"); break;
    case 67: RUN("hsubpd %%xmm1, %%xmm0"); break;
    default: memcpy(s->r, s->a, 16); s->mxcsr_out = s->mxcsr; break;
    }
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGFPE, &sa, NULL) != 0) return 2;
    write_all("SPCS\1\0\0\0", 8);
    for (;;) {
        uint32_t count;
        if (read_exact(&count, 4) < 0 || count == 0) return 0;
        for (uint32_t i = 0; i < count; i++) {
            uint8_t in[40], out[32];
            if (read_exact(in, sizeof in) < 0) return 1;
            struct state s;
            memset(&s, 0, sizeof s);
            memcpy(&s.mxcsr, in + 4, 4);
            memcpy(s.a, in + 8, 16);
            memcpy(s.b, in + 24, 16);
            s.default_mxcsr = 0x1F80;
            faulted = 0;
            run(in[0], in[1], &s);
            uint16_t flags = (uint16_t)(s.flags & 0x8D5);
            memcpy(out, s.r, 16);
            memcpy(out + 16, &s.rax, 8);
            memcpy(out + 24, &s.mxcsr_out, 4);
            memcpy(out + 28, &flags, 2);
            out[30] = faulted ? 1 : 0;
            out[31] = 0;
            write_all(out, sizeof out);
        }
    }
}
