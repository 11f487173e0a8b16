/*
 * Native side of SwiftPC's SoftFloat differential test
 * (Tests/X86Tests/SoftFloat/X87DifferentialTests.swift).
 *
 * Runs single x87 operations on the host FPU with all exceptions masked and
 * reports the 80-bit results and the status word.  The Swift test compiles it
 * at test time (`cc -O1 -o x87_runner x87_runner.c`) and talks to one process
 * over stdin/stdout.  It is not a SwiftPM target.
 *
 * Each case: FNINIT, FLDCW with the case's control word, FLD the 80-bit
 * operand b then a (so ST(0) = a, ST(1) = b), FNCLEX, the operation, FNSTSW,
 * then FSTP the results.  Conversions load or store the memory forms instead
 * (FILD/FIST m16/m32/m64, FLD/FST m32/m64).
 *
 * Protocol (little-endian):
 *   hello: "SPCX", u32 version (1).
 *   request batch: u32 caseCount (0 = exit), then per case:
 *       u8 op, u16 control word, u8 a[10], u8 b[10].
 *   response per case: u8 r0[10], u8 r1[10], u16 status word.
 *   Operations (op): 0 FADD, 1 FSUB, 2 FMUL, 3 FDIV (ST(0) op ST(1));
 *   4 FSQRT, 5 FRNDINT, 6 FPREM, 7 FPREM1, 8 FSCALE; 9 FXTRACT (r0 = exponent,
 *   r1 = significand); 10 FCOM ST(1), 11 FUCOM ST(1) (status only);
 *   12/13/14 FISTP m16/m32/m64 of a (r0 low bytes = the integer);
 *   15/16/17 FILD m16/m32/m64 of the low bytes of a;
 *   18/19 FSTP m32/m64 of a (r0 low bytes = the bits);
 *   20/21 FLD m32/m64 of the low bytes of a; 22 FXAM, 23 FTST (status only);
 *   24/25/26 FISTTP m16/m32/m64 of a (SSE3);
 *   27 FSIN, 28 FCOS, 29 FSINCOS, 30 FPTAN, 31 FPATAN, 32 F2XM1, 33 FYL2X,
 *   34 FYL2XP1 (r0 = ST(0), r1 = ST(1) afterwards: FSINCOS leaves the cosine
 *   over the sine, FPTAN 1.0 over the tangent, an out-of-range operand
 *   leaves a over b; after the popping FPATAN, FYL2X and FYL2XP1 r1 is the
 *   empty ST(1) as FSTP stores it); 35 FBSTP of a (r0 = the 10 bytes);
 *   36 FBLD of the 10 bytes of a.
 *   Ops with bit 7 set (80h + op) run with the case's exception masks,
 *   which may unmask exceptions: the state is then read with the non-waiting
 *   FNSAVE right after the operation (a waiting instruction would deliver
 *   #MF), and r0/r1 are ST(0)/ST(1) from the save area, the status word its
 *   FSW.  For the stores (12-14, 18, 19) r0 is the memory operand instead
 *   (zero when not written) and r1 is ST(0); the loads (20, 21) run after the
 *   operands were pushed as for the other operations.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner_io.h"

#define PRE "fninit\n fldcw %[cw]\n fldt %[b]\n fldt %[a]\n fnclex\n"
#define BINOP(bytes) \
    __asm__ volatile(PRE bytes "\n fnstsw %[sw]\n fstpt %[r0]\n fstp %%st(0)\n" \
        : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) \
        : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory")

/* ST(0) and ST(1) after the operation. */
#define TWOREG(bytes) \
    __asm__ volatile(PRE bytes "\n fnstsw %[sw]\n fstpt %[r0]\n fstpt %[r1]\n" \
        : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0), [r1] "=m"(*(long double *)r1) \
        : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory")

/* The register-stack operations with the non-waiting state read-out. */
#define SAVED(bytes) \
    __asm__ volatile(PRE bytes "\n fnsave %[save]\n fninit\n" \
        : [save] "=m"(*(uint8_t (*)[108])save), [m] "+m"(*(uint64_t *)memory) \
        : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b), \
          [src] "m"(*(uint64_t *)a) : "memory")

static void run_unmasked(uint8_t op, uint16_t cw, uint8_t *a, uint8_t *b, uint8_t *r0, uint8_t *r1, uint16_t *swOut) {
    uint8_t save[108] = {0};
    uint8_t memory[8] = {0};
    switch (op) {
    case 0: SAVED(".byte 0xD8, 0xC1"); break;
    case 1: SAVED(".byte 0xD8, 0xE1"); break;
    case 2: SAVED(".byte 0xD8, 0xC9"); break;
    case 3: SAVED(".byte 0xD8, 0xF1"); break;
    case 4: SAVED(".byte 0xD9, 0xFA"); break;
    case 5: SAVED(".byte 0xD9, 0xFC"); break;
    case 6: SAVED(".byte 0xD9, 0xF8"); break;
    case 7: SAVED(".byte 0xD9, 0xF5"); break;
    case 8: SAVED(".byte 0xD9, 0xFD"); break;
    case 9: SAVED(".byte 0xD9, 0xF4"); break;
    case 10: SAVED(".byte 0xD8, 0xD1"); break;
    case 11: SAVED(".byte 0xDD, 0xE1"); break;
    case 12: SAVED("fistps %[m]"); break;
    case 13: SAVED("fistpl %[m]"); break;
    case 14: SAVED("fistpll %[m]"); break;
    case 18: SAVED("fstps %[m]"); break;
    case 19: SAVED("fstpl %[m]"); break;
    case 20: SAVED("flds %[src]"); break;
    case 21: SAVED("fldl %[src]"); break;
    case 27: SAVED(".byte 0xD9, 0xFE"); break;
    case 28: SAVED(".byte 0xD9, 0xFF"); break;
    case 29: SAVED(".byte 0xD9, 0xFB"); break;
    case 30: SAVED(".byte 0xD9, 0xF2"); break;
    case 31: SAVED(".byte 0xD9, 0xF3"); break;
    case 32: SAVED(".byte 0xD9, 0xF0"); break;
    case 33: SAVED(".byte 0xD9, 0xF1"); break;
    case 34: SAVED(".byte 0xD9, 0xF9"); break;
    default: break;
    }
    int store = (op >= 12 && op <= 14) || op == 18 || op == 19;
    if (store) {
        memcpy(r0, memory, 8);
        memcpy(r1, save + 28, 10);
    } else {
        memcpy(r0, save + 28, 10);
        memcpy(r1, save + 38, 10);
    }
    memcpy(swOut, save + 4, 2);
}

static void run(uint8_t op, uint16_t cw, uint8_t *a, uint8_t *b, uint8_t *r0, uint8_t *r1, uint16_t *swOut) {
    uint16_t sw = 0;
    switch (op) {
    case 0: BINOP(".byte 0xD8, 0xC1"); break;           /* FADD ST(0), ST(1) */
    case 1: BINOP(".byte 0xD8, 0xE1"); break;           /* FSUB ST(0), ST(1) */
    case 2: BINOP(".byte 0xD8, 0xC9"); break;           /* FMUL ST(0), ST(1) */
    case 3: BINOP(".byte 0xD8, 0xF1"); break;           /* FDIV ST(0), ST(1) */
    case 4: BINOP(".byte 0xD9, 0xFA"); break;           /* FSQRT */
    case 5: BINOP(".byte 0xD9, 0xFC"); break;           /* FRNDINT */
    case 6: BINOP(".byte 0xD9, 0xF8"); break;           /* FPREM */
    case 7: BINOP(".byte 0xD9, 0xF5"); break;           /* FPREM1 */
    case 8: BINOP(".byte 0xD9, 0xFD"); break;           /* FSCALE */
    case 9:                                             /* FXTRACT */
        __asm__ volatile(PRE ".byte 0xD9, 0xF4\n fnstsw %[sw]\n fstpt %[r1]\n fstpt %[r0]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0), [r1] "=m"(*(long double *)r1)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 10: BINOP(".byte 0xD8, 0xD1"); break;          /* FCOM ST(1) */
    case 11: BINOP(".byte 0xDD, 0xE1"); break;          /* FUCOM ST(1) */
    case 12:
        __asm__ volatile(PRE "fistps %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(int16_t *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 13:
        __asm__ volatile(PRE "fistpl %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(int32_t *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 14:
        __asm__ volatile(PRE "fistpll %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(int64_t *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 24:
        __asm__ volatile(PRE "fisttps %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(int16_t *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 25:
        __asm__ volatile(PRE "fisttpl %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(int32_t *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 26:
        __asm__ volatile(PRE "fisttpll %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(int64_t *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 15: case 16: case 17: case 20: case 21:
        if (op == 15)
            __asm__ volatile("fninit\n fldcw %[cw]\n fnclex\n filds %[a]\n fnstsw %[sw]\n fstpt %[r0]\n"
                : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) : [cw] "m"(cw), [a] "m"(*(int16_t *)a) : "memory");
        else if (op == 16)
            __asm__ volatile("fninit\n fldcw %[cw]\n fnclex\n fildl %[a]\n fnstsw %[sw]\n fstpt %[r0]\n"
                : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) : [cw] "m"(cw), [a] "m"(*(int32_t *)a) : "memory");
        else if (op == 17)
            __asm__ volatile("fninit\n fldcw %[cw]\n fnclex\n fildll %[a]\n fnstsw %[sw]\n fstpt %[r0]\n"
                : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) : [cw] "m"(cw), [a] "m"(*(int64_t *)a) : "memory");
        else if (op == 20)
            __asm__ volatile("fninit\n fldcw %[cw]\n fnclex\n flds %[a]\n fnstsw %[sw]\n fstpt %[r0]\n"
                : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) : [cw] "m"(cw), [a] "m"(*(float *)a) : "memory");
        else
            __asm__ volatile("fninit\n fldcw %[cw]\n fnclex\n fldl %[a]\n fnstsw %[sw]\n fstpt %[r0]\n"
                : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) : [cw] "m"(cw), [a] "m"(*(double *)a) : "memory");
        break;
    case 27: TWOREG(".byte 0xD9, 0xFE"); break;         /* FSIN */
    case 28: TWOREG(".byte 0xD9, 0xFF"); break;         /* FCOS */
    case 29: TWOREG(".byte 0xD9, 0xFB"); break;         /* FSINCOS */
    case 30: TWOREG(".byte 0xD9, 0xF2"); break;         /* FPTAN */
    case 31: TWOREG(".byte 0xD9, 0xF3"); break;         /* FPATAN */
    case 32: TWOREG(".byte 0xD9, 0xF0"); break;         /* F2XM1 */
    case 33: TWOREG(".byte 0xD9, 0xF1"); break;         /* FYL2X */
    case 34: TWOREG(".byte 0xD9, 0xF9"); break;         /* FYL2XP1 */
    case 35:
        __asm__ volatile(PRE "fbstp %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(uint8_t (*)[10])r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 36:
        __asm__ volatile("fninit\n fldcw %[cw]\n fnclex\n fbld %[a]\n fnstsw %[sw]\n fstpt %[r0]\n"
            : [sw] "=m"(sw), [r0] "=m"(*(long double *)r0) : [cw] "m"(cw), [a] "m"(*(uint8_t (*)[10])a) : "memory");
        break;
    case 22: BINOP(".byte 0xD9, 0xE5"); break;          /* FXAM */
    case 23: BINOP(".byte 0xD9, 0xE4"); break;          /* FTST */
    case 18:
        __asm__ volatile(PRE "fstps %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(float *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    case 19:
        __asm__ volatile(PRE "fstpl %[r0]\n fnstsw %[sw]\n fstp %%st(0)\n"
            : [sw] "=m"(sw), [r0] "=m"(*(double *)r0)
            : [cw] "m"(cw), [a] "m"(*(long double *)a), [b] "m"(*(long double *)b) : "memory");
        break;
    default: break;
    }
    __asm__ volatile("fninit");
    *swOut = sw;
}

int main(void) {
    write_all("SPCX\1\0\0\0", 8);
    for (;;) {
        uint32_t count;
        if (read_exact(&count, 4) < 0 || count == 0) return 0;
        for (uint32_t i = 0; i < count; i++) {
            uint8_t in[23];
            if (read_exact(in, sizeof in) < 0) return 1;
            uint8_t a[16] = {0}, b[16] = {0}, out[22];
            uint8_t r0[16] = {0}, r1[16] = {0};
            uint16_t cw, sw;
            memcpy(&cw, in + 1, 2);
            memcpy(a, in + 3, 10);
            memcpy(b, in + 13, 10);
            if (in[0] & 0x80)
                run_unmasked(in[0] & 0x7F, cw, a, b, r0, r1, &sw);
            else
                run(in[0], cw, a, b, r0, r1, &sw);
            memcpy(out, r0, 10);
            memcpy(out + 10, r1, 10);
            memcpy(out + 20, &sw, 2);
            write_all(out, sizeof out);
        }
    }
}
