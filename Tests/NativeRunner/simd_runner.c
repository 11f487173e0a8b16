/*
 * Native side of SwiftPC's x87/MMX/SSE differential test
 * (Tests/X86Tests/Differential/SIMDDifferentialTests.swift, issue 6).
 *
 * Runs a block of code on the host CPU in 64-bit user mode and reports the
 * general-purpose registers, RFLAGS, the FXSAVE image and a data buffer after
 * it.  The Swift test builds each block as FXRSTOR64 [STATE_IN], one to four
 * random instructions, FXSAVE64 [STATE_OUT]; this runner appends a RET and
 * CALLs it at CODE_BASE, with the data buffer at DATA_BASE and the two FXSAVE
 * areas at STATE_IN and STATE_OUT: fixed addresses, the same as in SwiftPC's
 * harness (SIMDHarness), so that FIP, FDP and RIP-relative operands compare.
 * The Swift test compiles it at test time (`cc -O1 -o simd_runner
 * simd_runner.c`) and talks to one process over stdin/stdout.  It is not a
 * SwiftPM target.
 *
 * `spc_simd_run` (assembly below) saves the C callee-saved registers and the
 * C code's own x87/SSE state (FXSAVE64), loads RFLAGS and every general
 * register but RSP from a state block, CALLs the block, stores the registers
 * and RFLAGS back, clears DF and restores the C code's x87/SSE state.
 *
 * A fault (#MF and #XM -> SIGFPE, #GP -> SIGSEGV, #UD -> SIGILL, ...) is
 * caught by a signal handler that copies the interrupted context: the trap
 * number the kernel saved (REG_TRAPNO: 16 for #MF, 19 for #XM, 13, 6...), the
 * error code, RIP, the registers, and the x87/SSE state from the signal frame
 * (uc_mcontext.fpregs: its first 512 bytes are the FXSAVE layout; when the
 * frame carries an XSAVE header, a component whose XSTATE_BV bit is clear is
 * in its initial configuration and is written out as such, since XSAVE may
 * leave its area alone).  It then siglongjmps back.
 *
 * The x87 state the kernel gives a signal handler is not ours, and an #MF
 * whose status and control words show no unmasked exception would be retried
 * forever by the kernel; the generator never builds one, and a watchdog
 * (SIGALRM) ends the runner with the number of the case that hung.
 *
 * Protocol (all integers little-endian):
 *   hello: "SPCS", u32 version (1), u32 features, 12 bytes CPUID vendor.
 *     features: bit 0 XSaveErPtr (CPUID 8000_0008h EBX[2]: FXSAVE always
 *     saves FIP, FDP and FOP on AMD processors), bit 1 SSE3, bit 2 SSSE3.
 *   request batch: u32 caseCount (0 = exit), then per case:
 *     u64 regs[16] (RAX RCX RDX RBX RSP RBP RSI RDI R8..R15; RSP is ignored),
 *     u32 rflags, u8 state[512] (the image at STATE_IN), u8 data[DATA_SIZE],
 *     u16 codeLength (1..CODE_MAX), code bytes.
 *   response per case: u8 fault (0xFF = none, else the trap number),
 *     u32 error code, u32 signal << 16 | si_code (0 without a fault),
 *     u64 RIP of the fault (0 without one), u64 regs[16], u32 rflags,
 *     u8 state[512] (STATE_OUT, or the signal frame's image for a fault),
 *     u8 data[DATA_SIZE] (after the block or at the fault).
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
#include <ucontext.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "simd_runner needs an x86-64 host"
#endif

#define CODE_BASE 0x1F000000ul
#define DATA_BASE 0x20000000ul
#define DATA_SIZE 512
#define STATE_IN (DATA_BASE + 0x1000)
#define STATE_OUT (DATA_BASE + 0x1200)
#define CODE_MAX 1024
#define NO_FAULT 0xFF

struct state64 {
    uint64_t regs[16];
    uint64_t rflags;
};

/* The block's registers, and the C code's x87/SSE state around it. */
__attribute__((visibility("hidden"))) struct state64 spc_state;
__attribute__((visibility("hidden"), aligned(16))) uint8_t spc_c_fpu[512];

#define S(offset) "spc_state+" #offset "(%rip)"
#define LOAD(offset, reg) "    mov " S(offset) ", %" #reg "\n"
#define STORE(offset, reg) "    mov %" #reg ", " S(offset) "\n"
__asm__(
    ".text\n"
    ".globl spc_simd_run\n"
    ".hidden spc_simd_run\n"
    ".type spc_simd_run,@function\n"
    "spc_simd_run:\n"
    "    push %rbx\n    push %rbp\n    push %r12\n    push %r13\n    push %r14\n    push %r15\n"
    "    fxsave64 spc_c_fpu(%rip)\n"
    "    pushq " S(128) "\n"
    "    popfq\n"
    LOAD(0, rax) LOAD(8, rcx) LOAD(16, rdx) LOAD(24, rbx) LOAD(40, rbp) LOAD(48, rsi) LOAD(56, rdi)
    LOAD(64, r8) LOAD(72, r9) LOAD(80, r10) LOAD(88, r11)
    LOAD(96, r12) LOAD(104, r13) LOAD(112, r14) LOAD(120, r15)
    "    call *0f(%rip)\n"
    STORE(0, rax) STORE(8, rcx) STORE(16, rdx) STORE(24, rbx) STORE(40, rbp) STORE(48, rsi) STORE(56, rdi)
    STORE(64, r8) STORE(72, r9) STORE(80, r10) STORE(88, r11)
    STORE(96, r12) STORE(104, r13) STORE(112, r14) STORE(120, r15)
    "    pushfq\n"
    "    popq " S(128) "\n"
    "    cld\n"
    "    fxrstor64 spc_c_fpu(%rip)\n"
    "    pop %r15\n    pop %r14\n    pop %r13\n    pop %r12\n    pop %rbp\n    pop %rbx\n"
    "    ret\n"
    "    .p2align 3\n"
    "0:  .quad 0x1F000000\n"
    ".size spc_simd_run, .-spc_simd_run\n"
    ".globl spc_restore_c_fpu\n"
    ".hidden spc_restore_c_fpu\n"
    ".type spc_restore_c_fpu,@function\n"
    "spc_restore_c_fpu:\n"
    "    cld\n"
    "    fxrstor64 spc_c_fpu(%rip)\n"
    "    ret\n"
    ".size spc_restore_c_fpu, .-spc_restore_c_fpu\n");

void spc_simd_run(void);
void spc_restore_c_fpu(void);

static uint8_t *const code_page = (uint8_t *)CODE_BASE;
static uint8_t *const data = (uint8_t *)DATA_BASE;
static int code_page_rwx; /* 0: the code page is toggled RW <-> RX around each write */
static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_armed;
static volatile uint32_t current_case;

/* What the signal handler saw. */
static struct {
    int trapno, signo, code;
    uint32_t error_code;
    uint64_t rip;
    struct state64 regs;
    uint8_t fx[512];
} last_fault;

/* An FXSAVE image of the x87 state in its initial configuration (SDM Vol. 1
 * §13.6: FCW 037Fh, everything else zero, all registers empty). */
static void x87_initial(uint8_t *fx) {
    memset(fx, 0, 24);
    fx[0] = 0x7F;
    fx[1] = 0x03;
    for (int i = 0; i < 8; i++) memset(fx + 32 + 16 * i, 0, 16);
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    if (!fault_armed) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    fault_armed = 0;
    const ucontext_t *uc = context;
    const greg_t *g = uc->uc_mcontext.gregs;
    static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                  REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    last_fault.trapno = (int)g[REG_TRAPNO];
    last_fault.signo = sig;
    last_fault.code = info->si_code;
    last_fault.error_code = (uint32_t)g[REG_ERR];
    last_fault.rip = (uint64_t)g[REG_RIP];
    for (int r = 0; r < 16; r++) last_fault.regs.regs[r] = (uint64_t)g[order[r]];
    last_fault.regs.rflags = (uint64_t)g[REG_EFL];
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    if (fp) {
        memcpy(last_fault.fx, fp, 512);
        uint32_t magic;
        memcpy(&magic, fp + 464, 4);
        if (magic == 0x46505853u) { /* FP_XSTATE_MAGIC1: an XSAVE header follows at 512 */
            uint64_t xstate_bv;
            memcpy(&xstate_bv, fp + 512, 8);
            if (!(xstate_bv & 1)) x87_initial(last_fault.fx);
            if (!(xstate_bv & 2)) memset(last_fault.fx + 160, 0, 256);
        }
    } else {
        memset(last_fault.fx, 0, 512);
    }
    siglongjmp(fault_env, 1);
}

static void on_alarm(int sig) {
    (void)sig;
    char text[80];
    int n = snprintf(text, sizeof text, "simd_runner: case %u of the batch did not finish\n", (unsigned)current_case);
    if (n > 0) { ssize_t w = write(2, text, (size_t)n); (void)w; }
    _exit(7);
}

static void *map_fixed(uint64_t address, size_t size, int prot) {
    void *p = mmap((void *)address, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    return p == (void *)address ? p : NULL;
}

static void setup(void) {
    code_page_rwx = map_fixed(CODE_BASE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != NULL;
    if (!code_page_rwx && !map_fixed(CODE_BASE, 4096, PROT_READ | PROT_WRITE)) {
        fprintf(stderr, "simd_runner: cannot map the code page at %#lx\n", CODE_BASE);
        exit(2);
    }
    if (!map_fixed(DATA_BASE, 0x2000, PROT_READ | PROT_WRITE)) {
        fprintf(stderr, "simd_runner: cannot map the data pages at %#lx\n", DATA_BASE);
        exit(2);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
    signal(SIGALRM, on_alarm);
}

/* Runs one block; returns NO_FAULT or the trap number (last_fault then holds the context). */
static int run_block(const uint8_t *code, unsigned len) {
    if (!code_page_rwx) mprotect(code_page, 4096, PROT_READ | PROT_WRITE);
    memcpy(code_page, code, len);
    code_page[len] = 0xC3; /* RET */
    if (!code_page_rwx) mprotect(code_page, 4096, PROT_READ | PROT_EXEC);
    if (sigsetjmp(fault_env, 1) != 0) {
        spc_restore_c_fpu();
        return last_fault.trapno;
    }
    fault_armed = 1;
    spc_simd_run();
    fault_armed = 0;
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
    if (__get_cpuid(0x80000008u, &a, &b, &c, &d) && (b & 4)) f |= 1;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        if (c & 1) f |= 2;
        if (c & (1u << 9)) f |= 4;
    }
    return f;
}

/* ---- stdin/stdout protocol ---- */

static void read_exact(void *p, size_t n) {
    if (n && fread(p, 1, n, stdin) != n) exit(feof(stdin) ? 0 : 3);
}
static void write_exact(const void *p, size_t n) {
    if (n && fwrite(p, 1, n, stdout) != n) exit(4);
}
static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const uint8_t *p) { return get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }
static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void put_u64(uint8_t *p, uint64_t v) {
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

#define REQUEST_FIXED (16 * 8 + 4 + 512 + DATA_SIZE + 2)
#define RESPONSE_SIZE (1 + 4 + 4 + 8 + 16 * 8 + 4 + 512 + DATA_SIZE)

static int serve(void) {
    char vendor[12];
    uint8_t hello[24];
    memcpy(hello, "SPCS", 4);
    put_u32(hello + 4, 1);
    put_u32(hello + 8, features(vendor));
    memcpy(hello + 12, vendor, 12);
    write_exact(hello, sizeof hello);
    fflush(stdout);

    static uint8_t request[REQUEST_FIXED], code[CODE_MAX];
    /* The responses of a batch are written only after the whole batch was
     * read: the test writes all requests before it reads, so a response
     * written earlier could fill the pipe and deadlock both. */
    static uint8_t *responses;
    static size_t capacity;
    for (;;) {
        read_exact(request, 4);
        uint32_t cases = get_u32(request);
        if (cases == 0) return 0;
        if ((size_t)cases * RESPONSE_SIZE > capacity) {
            capacity = (size_t)cases * RESPONSE_SIZE;
            responses = realloc(responses, capacity);
            if (!responses) exit(5);
        }
        alarm(60);
        for (uint32_t c = 0; c < cases; c++) {
            current_case = c;
            read_exact(request, REQUEST_FIXED);
            unsigned len = request[REQUEST_FIXED - 2] | (unsigned)request[REQUEST_FIXED - 1] << 8;
            if (len == 0 || len > CODE_MAX - 1) {
                fprintf(stderr, "simd_runner: bad code length %u\n", len);
                return 6;
            }
            read_exact(code, len);
            for (int r = 0; r < 16; r++) spc_state.regs[r] = get_u64(request + 8 * r);
            spc_state.rflags = get_u32(request + 128);
            memcpy((void *)STATE_IN, request + 132, 512);
            memset((void *)STATE_OUT, 0, 512);
            memcpy(data, request + 132 + 512, DATA_SIZE);

            int fault = run_block(code, len);
            const struct state64 *s = fault == NO_FAULT ? &spc_state : &last_fault.regs;
            uint8_t *p = responses + (size_t)c * RESPONSE_SIZE;
            p[0] = (uint8_t)fault;
            put_u32(p + 1, fault == NO_FAULT ? 0 : last_fault.error_code);
            put_u32(p + 5, fault == NO_FAULT ? 0 : (uint32_t)last_fault.signo << 16 | (uint16_t)last_fault.code);
            put_u64(p + 9, fault == NO_FAULT ? 0 : last_fault.rip);
            for (int r = 0; r < 16; r++) put_u64(p + 17 + 8 * r, s->regs[r]);
            put_u32(p + 145, (uint32_t)s->rflags);
            memcpy(p + 149, fault == NO_FAULT ? (const uint8_t *)STATE_OUT : last_fault.fx, 512);
            memcpy(p + 661, data, DATA_SIZE);
        }
        alarm(0);
        write_exact(responses, (size_t)cases * RESPONSE_SIZE);
        fflush(stdout);
    }
}

int main(void) {
    setup();
    return serve();
}
