/* The model that gives float.asm's EXPECT: the same loops in C on an x86-64
   host, the x87 part in long double (the x87 with Linux's default control
   word: 64-bit significands, round to nearest, as the ROM's FCW 037FH) and
   the SSE part in double and float. Each C operation is one rounded IEEE 754
   operation in the ROM's order; FMA contraction must be off:
     gcc -O2 -ffp-contract=off -o /tmp/float-model Benchmarks/float-model.c -lm
   It prints the checksum and the values folded into it. Keep it in step with
   float.asm. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#define NX 1500000
#define STEPS 300000
static uint64_t rol(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }
static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

int main(void) {
    static const double coeff[8] = {1.0, -1.0, 0.5, -0.1875, 0.046875, -0.0078125, 0.0009765625, -0.0001220703125};
    volatile long double A = 0, B = 0;
    uint64_t r8 = 0;
    for (uint32_t i = 1; i <= NX; i++) {
        long double t = (long double)(int64_t)i;
        t = t * t;
        long double r = 1.0L / t;
        B = B + r;
        int32_t n = (int32_t)(i & 4095);
        long double x = (long double)n / (long double)1000.0;
        long double p = (long double)coeff[7];
        for (int k = 6; k >= 0; k--) { p = p * x; p = p + (long double)coeff[k]; }
        long double s = p * p;
        s = s + 1.0L;
        s = sqrtl(s);
        long double q = p / s;
        long double xq = x * q;
        xq = xq * (long double)1099511627776.0;
        int64_t iout = llrintl(xq);
        A = A + q;
        double qd = (double)q;
        r8 = rol(r8, 5) ^ dbits(qd);
        r8 += (uint64_t)iout;
    }
    unsigned char ea[16] = {0}, eb[16] = {0};
    long double a = A, b = B;
    memcpy(ea, &a, 10); memcpy(eb, &b, 10);

    double M[64], w[8], v[8];
    float Bm[16], u[4];
    uint64_t r9 = 0x9E3779B97F4A7C15ull;
    const uint64_t mul = 6364136223846793005ull, inc = 1442695040888963407ull;
    for (int k = 0; k < 64; k++) {
        r9 = r9 * mul + inc;
        int64_t s = (int64_t)r9 >> 32;
        M[k] = (double)s * 0x1p-31;
    }
    for (int k = 0; k < 16; k++) {
        r9 = r9 * mul + inc;
        int32_t s = (int32_t)((int64_t)r9 >> 40);
        Bm[k] = (float)s * 0x1p-23f;
    }
    for (int k = 0; k < 8; k++) v[k] = 0.5;
    for (int k = 0; k < 4; k++) u[k] = 1.0f;
    uint32_t h[4] = {0, 0, 0, 0};
    const uint32_t hm[4] = {0x9E3779B1u, 0x85EBCA77u, 0xC2B2AE3Du, 0x27D4EB2Fu};
    uint64_t r10 = 0;
    for (uint32_t step = STEPS; step != 0; step--) {
        double n2 = 0.0;
        for (int r = 0; r < 8; r++) {
            double lo = M[r*8+0] * v[0], hi = M[r*8+1] * v[1];
            for (int j = 2; j < 8; j += 2) { lo = lo + M[r*8+j] * v[j]; hi = hi + M[r*8+j+1] * v[j+1]; }
            w[r] = lo + hi;
            n2 = n2 + w[r] * w[r];
        }
        double nrm = sqrt(n2);
        double inv = 1.0 / nrm;
        for (int k = 0; k < 8; k++) v[k] = w[k] * inv;
        int k = step & 63;
        int e = step & 255;
        double d = (double)e * 0.0009765625;
        d = d * v[0];
        M[k] = M[k] * 0.5 + d;
        int64_t cv = (int64_t)(v[2] * 1099511627776.0);
        r10 = rol(r10, 7) ^ (uint64_t)cv;
        float y[4];
        for (int c = 0; c < 4; c++) {
            float acc = u[0] * Bm[c];
            acc = acc + u[1] * Bm[4 + c];
            acc = acc + u[2] * Bm[8 + c];
            acc = acc + u[3] * Bm[12 + c];
            y[c] = acc;
        }
        float sq[4]; for (int c = 0; c < 4; c++) sq[c] = y[c] * y[c];
        float l0 = sq[0] + sq[2], l1 = sq[1] + sq[3];
        float nf = sqrtf(l0 + l1);
        float fi = 1.0f / nf;
        for (int c = 0; c < 4; c++) u[c] = y[c] * fi;
        u[0] = u[0] + (float)e * 0.000244140625f;
        int32_t cf = (int32_t)(u[0] * 1048576.0f);
        r10 += (uint64_t)(uint32_t)cf;
        uint32_t t[4];
        memcpy(t, &v[0], 16);
        for (int c = 0; c < 4; c++) h[c] ^= t[c];
        memcpy(t, &v[4], 16);
        for (int c = 0; c < 4; c++) h[c] += t[c];
        memcpy(t, u, 16);
        for (int c = 0; c < 4; c++) h[c] ^= t[c];
        uint64_t p0 = (uint64_t)h[0] * hm[0], p1 = (uint64_t)h[2] * hm[2];
        uint32_t s[4] = {h[1], h[2], h[3], h[0]};
        uint32_t pp[4] = {(uint32_t)p0, (uint32_t)(p0 >> 32), (uint32_t)p1, (uint32_t)(p1 >> 32)};
        for (int c = 0; c < 4; c++) h[c] = s[c] + pp[c];
        memcpy(t, &v[6], 16);
        for (int c = 0; c < 4; c++) h[c] ^= t[c];
    }
    uint64_t ea0, eb0; uint16_t ea8, eb8;
    memcpy(&ea0, ea, 8); memcpy(&ea8, ea + 8, 2); memcpy(&eb0, eb, 8); memcpy(&eb8, eb + 8, 2);
    uint64_t h0 = (uint64_t)h[0] | (uint64_t)h[1] << 32, h1 = (uint64_t)h[2] | (uint64_t)h[3] << 32;
    uint64_t x = r8;
    x = rol(x, 7) ^ ea0;
    x = rol(x, 7) + ea8;
    x = rol(x, 7) ^ eb0;
    x = rol(x, 7) + eb8;
    x = rol(x, 7) + r10;
    x = rol(x, 7) ^ h0;
    x = rol(x, 7) + h1;
    x = rol(x, 7) ^ dbits(v[0]);
    x = rol(x, 7) + dbits(v[6]);
    x = rol(x, 7) ^ fbits(u[0]);
    printf("float: checksum %016llx\n", (unsigned long long)x);
    printf("  A = %.21Lg (%04x %016llx)  B = %.21Lg\n  r8 %016llx r10 %016llx h %016llx %016llx\n",
           a, ea8, (unsigned long long)ea0, b, (unsigned long long)r8, (unsigned long long)r10,
           (unsigned long long)h0, (unsigned long long)h1);
    printf("  v0 %.17g u0 %.9g\n", v[0], u[0]);
    return 0;
}
