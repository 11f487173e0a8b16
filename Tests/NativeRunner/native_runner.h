/*
 * What the paged modes of the native runner (native_runner_paged.c) share with
 * its core (native_runner.c): the register states, running one instruction,
 * the fault the signal handler saw, and the stdin/stdout protocol helpers.
 */
#ifndef NATIVE_RUNNER_H
#define NATIVE_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__x86_64__)
#error "native_runner needs an x86-64 host"
#endif

#define NO_FAULT 0xFF
#define MAX_INSN 15
#define MAX_STEPS 64

struct state {
    uint32_t regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eflags;
};

struct state64 {
    uint64_t regs[16]; /* RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
    uint32_t eflags;
};

struct insn { uint8_t len, bytes[MAX_INSN]; };

/* What the signal handler saw: the vector, error code and fault address (CR2
 * for #PF, else 0) the kernel took from the CPU, and RIP and the registers of
 * the interrupted context. */
struct fault_record {
    int vector;
    uint32_t error_code;
    uint64_t address, rip;
    struct state64 at_fault;
};
extern struct fault_record last_fault;

/* Runs one instruction on *s; returns NO_FAULT or the vector (then *s is
 * unchanged and last_fault describes the fault). */
int run_one(struct state *s, const uint8_t *bytes, unsigned len);
int run_one64(struct state64 *s, const uint8_t *bytes, unsigned len);
/* Runs the following instructions from `page` (RWX, or toggled RW <-> RX
 * around each write when `rwx` is 0) instead of the page mapped at start. */
void use_code_page(uint8_t *page, int rwx);

/* The protocol: little-endian integers; responses collect in out_buf until
 * send_responses writes the batch. */
void read_exact(void *p, size_t n);
uint32_t read_u32(void);
uint64_t read_u64(void);
void put_u32(uint8_t *p, uint32_t v);
void put_u64(uint8_t *p, uint64_t v);
extern uint8_t *out_buf;
extern size_t out_len;
uint8_t *out_reserve(size_t n);
void send_responses(void);
void send_hello(const char magic[4]);
int read_instructions(struct insn *insns, uint32_t *count);

int serve_paged(void);
int serve_paged64(void);

#endif
