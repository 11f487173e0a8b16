/*
 * The paged modes of SwiftPC's native runner (see native_runner.c, with which
 * it is compiled): instructions with memory operands run against a data region
 * of REGION_PAGES 4 KiB pages at REGION_BASE, inside a PROT_NONE reservation of
 * RESERVE_SIZE bytes at RESERVE_BASE so that every nearby address faults
 * instead of reaching some other mapping.  Each case gives each page a
 * protection (0 PROT_NONE, 1 PROT_READ, 2 PROT_READ|PROT_WRITE) and a seed for
 * its contents (word k of the region is fill_word(seed, k), computed
 * identically by the Swift side, PagedRegion.word).  A fault is reported with
 * the vector the kernel saved (REG_TRAPNO), the error code the CPU pushed
 * (REG_ERR: for #PF its P, W/R, U/S... bits) and for #PF the address (si_addr,
 * the CR2 the kernel read), and with the registers of the context the fault
 * was taken in, so that a REP string instruction shows its progress.
 *
 * `native_runner --paged` (hello "SPCP", version 1): instructions with 32-bit
 * memory operands (0x67 prefix, so addresses are computed and wrapped in 32
 * bits as in a 32-bit code segment), no REX prefix.
 *   Request batch:  u32 caseCount (0 = exit), then per case:
 *       u32 regs[8], u32 eflags, u32 seed, u8 protection[REGION_PAGES],
 *       u32 insnCount, then per instruction: u8 length, length bytes.
 *   Response batch, per case: u32 stepCount, then per step:
 *       u8 fault (0xFF = none, else the vector), u32 error code, u32 fault
 *       address (#PF, else 0), u32 regs[8], u32 eflags (after the instruction;
 *       for a fault the state it was taken in, ESP excepted), u16 changeCount,
 *       then changeCount times u16 offset, u8 value: the region bytes that
 *       differ from before the instruction.
 *
 * `native_runner --paged64` (hello "SPCQ", version 1): 64-bit-mode
 * instructions with REX prefixes, 64- or 32-bit (0x67) addresses and
 * RIP-relative operands, all sixteen registers but RSP (as in --long).  Each
 * instruction runs from CODE_BASE, a page inside the reservation, so that a
 * RIP-relative operand reaches the same address as in SwiftPC, which runs its
 * code there too.
 *   Request batch:  u32 caseCount (0 = exit), then per case:
 *       u64 regs[16], u32 eflags, u32 seed, u8 protection[REGION_PAGES],
 *       u32 insnCount, then per instruction: u8 length, length bytes.
 *   Response batch, per case: u32 stepCount, then per step:
 *       u8 fault, u32 error code, u64 fault address (#PF, else 0), u64 RIP of
 *       the fault (0 without one), u64 regs[16], u32 eflags (as in --paged,
 *       RSP as given), u16 changeCount and the changes as in --paged.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "native_runner.h"

#define RESERVE_BASE 0x08000000u
#define RESERVE_SIZE 0x30000000u
#define REGION_BASE 0x20000000u
#define REGION_PAGES 8
#define PAGE 4096
#define REGION_SIZE (REGION_PAGES * PAGE)
/* 16 MiB below the region: within reach of a RIP-relative disp32, and outside
 * the 1 MiB around the region that the generated addresses aim at. */
#define CODE_BASE 0x1F000000u

static uint8_t *const region = (uint8_t *)(uintptr_t)REGION_BASE;
/* The region as it was before the current instruction. */
static uint8_t shadow[REGION_SIZE];
static uint8_t protection[REGION_PAGES];

/* Word k of the region for a case's seed: a hash of (seed, k) that often
 * yields the edge values 0, all-ones or bytes of 00/7F/80/FF.  PagedRegion.word
 * in the Swift test computes the same. */
static uint32_t fill_word(uint32_t seed, uint32_t k) {
    uint32_t x = seed ^ (k * 0x9E3779B9u);
    x ^= x >> 16; x *= 0x7FEB352Du;
    x ^= x >> 15; x *= 0x846CA68Bu;
    x ^= x >> 16;
    static const uint8_t edges[4] = {0x00, 0x7F, 0x80, 0xFF};
    switch (x & 7) {
    case 0: return 0;
    case 1: return 0xFFFFFFFFu;
    case 2:
        return (uint32_t)edges[x >> 8 & 3] | (uint32_t)edges[x >> 10 & 3] << 8
            | (uint32_t)edges[x >> 12 & 3] << 16 | (uint32_t)edges[x >> 14 & 3] << 24;
    default: return x;
    }
}

static void setup_region(void) {
    void *r = mmap((void *)(uintptr_t)RESERVE_BASE, RESERVE_SIZE, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (r != (void *)(uintptr_t)RESERVE_BASE) {
        fprintf(stderr, "native_runner: cannot reserve %#x bytes at %#x\n", RESERVE_SIZE, RESERVE_BASE);
        exit(2);
    }
}

static void check(int result, const char *what) {
    if (result != 0) { perror(what); exit(2); }
}

/* Fills the region from the seed and applies the protections. */
static void prepare_region(uint32_t seed) {
    check(mprotect(region, REGION_SIZE, PROT_READ | PROT_WRITE), "mprotect");
    for (uint32_t k = 0; k < REGION_SIZE / 4; k++) {
        uint32_t w = fill_word(seed, k);
        memcpy(region + 4 * k, &w, 4);
    }
    memcpy(shadow, region, REGION_SIZE);
    for (int p = 0; p < REGION_PAGES; p++) {
        int prot = protection[p] == 2 ? PROT_READ | PROT_WRITE : protection[p] == 1 ? PROT_READ : PROT_NONE;
        if (prot != (PROT_READ | PROT_WRITE)) check(mprotect(region + p * PAGE, PAGE, prot), "mprotect");
    }
}

/* Appends the bytes of the writable pages that changed since the shadow copy
 * (u16 count, then u16 offset + u8 value each) and brings the shadow up to date. */
static void put_changes(void) {
    size_t count_at = out_len;
    out_reserve(2);
    unsigned count = 0;
    for (int p = 0; p < REGION_PAGES; p++) {
        if (protection[p] != 2 || memcmp(region + p * PAGE, shadow + p * PAGE, PAGE) == 0) continue;
        for (unsigned i = p * PAGE; i < (unsigned)(p + 1) * PAGE; i++) {
            if (region[i] == shadow[i]) continue;
            uint8_t *q = out_reserve(3);
            q[0] = (uint8_t)i; q[1] = (uint8_t)(i >> 8); q[2] = region[i];
            shadow[i] = region[i];
            count++;
        }
    }
    out_buf[count_at] = (uint8_t)count;
    out_buf[count_at + 1] = (uint8_t)(count >> 8);
}

/* A case's seed and page protections, read after its registers; then its
 * instructions, and the region prepared for them. 0 on a malformed request. */
static int read_region_and_instructions(struct insn *insns, uint32_t *count) {
    uint32_t seed = read_u32();
    read_exact(protection, REGION_PAGES);
    if (!read_instructions(insns, count)) return 0;
    prepare_region(seed);
    return 1;
}

int serve_paged(void) {
    setup_region();
    send_hello("SPCP");

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
            if (!read_region_and_instructions(insns, &n)) return 6;
            size_t count_at = out_len;
            out_reserve(4);
            uint32_t steps = 0;
            for (uint32_t i = 0; i < n; i++) {
                int fault = run_one(&s, insns[i].bytes, insns[i].len);
                struct state after = s;
                if (fault != NO_FAULT) {
                    for (int r = 0; r < 8; r++) after.regs[r] = (uint32_t)last_fault.at_fault.regs[r];
                    after.regs[4] = s.regs[4];
                    after.eflags = last_fault.at_fault.eflags;
                }
                uint8_t *p = out_reserve(45);
                p[0] = (uint8_t)fault;
                put_u32(p + 1, fault == NO_FAULT ? 0 : last_fault.error_code);
                put_u32(p + 5, fault == NO_FAULT ? 0 : (uint32_t)last_fault.address);
                for (int r = 0; r < 8; r++) put_u32(p + 9 + 4 * r, after.regs[r]);
                put_u32(p + 41, after.eflags);
                put_changes();
                steps++;
                if (fault != NO_FAULT) break;
            }
            put_u32(out_buf + count_at, steps);
        }
        send_responses();
    }
}

int serve_paged64(void) {
    setup_region();
    uint8_t *code = (uint8_t *)(uintptr_t)CODE_BASE;
    int rwx = mprotect(code, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC) == 0;
    if (!rwx) check(mprotect(code, PAGE, PROT_READ | PROT_EXEC), "mprotect");
    use_code_page(code, rwx);
    send_hello("SPCQ");

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
            if (!read_region_and_instructions(insns, &n)) return 6;
            size_t count_at = out_len;
            out_reserve(4);
            uint32_t steps = 0;
            for (uint32_t i = 0; i < n; i++) {
                int fault = run_one64(&s, insns[i].bytes, insns[i].len);
                struct state64 after = s;
                if (fault != NO_FAULT) {
                    after = last_fault.at_fault;
                    after.regs[4] = s.regs[4];
                }
                uint8_t *p = out_reserve(153);
                p[0] = (uint8_t)fault;
                put_u32(p + 1, fault == NO_FAULT ? 0 : last_fault.error_code);
                put_u64(p + 5, fault == NO_FAULT ? 0 : last_fault.address);
                put_u64(p + 13, fault == NO_FAULT ? 0 : last_fault.rip);
                for (int r = 0; r < 16; r++) put_u64(p + 21 + 8 * r, after.regs[r]);
                put_u32(p + 149, after.eflags);
                put_changes();
                steps++;
                if (fault != NO_FAULT) break;
            }
            put_u32(out_buf + count_at, steps);
        }
        send_responses();
    }
}
