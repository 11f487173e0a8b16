#!/usr/bin/env python3
"""Generates x87_transcendental.txt, the reference table of
Tests/X86Tests/SoftFloat/X87TranscendentalReferenceTests.swift.

For each case it evaluates the instruction's function with mpmath at 1200
bits or more and writes the exact value truncated to 192 bits, with a flag that says
whether anything was cut off; the Swift test rounds that to 64 bits in each
rounding mode and compares SoftFloat's result with it. The test reads only
the table; this script documents how it was made:

    pip install mpmath
    python3 Tests/SoftFloatReference/generate_x87_transcendental.py > Tests/SoftFloatReference/x87_transcendental.txt

The cases are fixed by the seed below: random operands over each
instruction's range, plus the hard ones (operands next to multiples of pi/2,
up to 2^63; arguments next to 1 for the logarithms; exact results).
"""
import random
import mpmath
from mpmath import mpf

mpmath.mp.prec = 1200
BIAS = 16383
random.seed(0x5357_4946_5438_3702)


def value(se, m):
    """The value of an 80-bit encoding (finite, supported)."""
    sign = -1 if se & 0x8000 else 1
    e = se & 0x7FFF
    return sign * mpf(m) * mpmath.ldexp(1, max(e, 1) - BIAS - 63)


def encode(x):
    """The nearest 80-bit encoding of a nonzero finite x (normal range)."""
    sign = 0x8000 if x < 0 else 0
    a = abs(x)
    e = int(mpmath.floor(mpmath.log(a, 2)))
    while mpmath.ldexp(1, e) > a:
        e -= 1
    while mpmath.ldexp(1, e + 1) <= a:
        e += 1
    m = int(mpmath.nint(mpmath.ldexp(a, 63 - e)))
    if m == 1 << 64:
        m >>= 1
        e += 1
    return sign | (e + BIAS), m


def exact_fields(v):
    """sign, unbiased exponent of the leading bit, 192-bit truncation, inexact."""
    if v == 0:
        return "+ 0 " + "0" * 48 + " exact"
    sign = "-" if v < 0 else "+"
    a = abs(v)
    e = int(mpmath.floor(mpmath.log(a, 2)))
    while mpmath.ldexp(1, e) > a:
        e -= 1
    while mpmath.ldexp(1, e + 1) <= a:
        e += 1
    scaled = mpmath.ldexp(a, 191 - e)
    t = int(mpmath.floor(scaled))
    assert 1 << 191 <= t < 1 << 192
    return f"{sign} {e} {t:048x} {'exact' if scaled == t else 'inexact'}"


def rand_sig():
    return random.getrandbits(64) | 1 << 63


def operand(e, sign=None):
    if sign is None:
        sign = random.getrandbits(1)
    return (0x8000 if sign else 0) | (e + BIAS), rand_sig()


def trig_operands():
    ops = []
    for _ in range(60):
        ops.append(operand(random.randrange(-40, 63)))
    for _ in range(30):
        ops.append(operand(random.randrange(-2, 3)))
    for _ in range(6):
        ops.append(operand(random.randrange(-16000, -64)))
    ops.append((0x0000, 0x0000_0000_0000_0001))
    ops.append((0x8000, 0x4000_0000_0000_0000))
    ops.append((BIAS + 62, (1 << 64) - 1))
    ops.append((0x8000 | (BIAS + 62), (1 << 64) - 1))
    # Nearest 64-bit values to multiples of pi/2 (random k, small and large).
    half_pi = mpmath.pi / 2
    for _ in range(40):
        k = random.randrange(1, 1 << random.randrange(1, 62))
        ops.append(encode(k * half_pi * (-1 if random.getrandbits(1) else 1)))
    for k in range(1, 9):
        ops.append(encode(k * half_pi))
    # Multiples of continued-fraction convergents of 2/pi scaled to each
    # binade: x = c * q * 2^(E-63) with q * 2^(E-63) * 2/pi next to an integer.
    for E in range(0, 63, 3):
        alpha = mpmath.ldexp(2 / mpmath.pi, E - 63)
        p0, q0, p1, q1 = 0, 1, 1, 0
        rest = alpha
        best = []
        for _ in range(80):
            a = int(mpmath.floor(rest))
            p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
            if q1 >= 1 << 64:
                break
            best.append(q1)
            frac = rest - a
            if frac == 0:
                break
            rest = 1 / frac
        for q in best[-3:]:
            c = max(1, (1 << 63) // q) if q < 1 << 63 else 1
            s = c * q
            if 1 << 63 <= s < 1 << 64:
                ops.append((BIAS + E, s))
    # The example of an integer next to a multiple of pi (about 2^62.8).
    ops.append(encode(mpf(8227740058411162616)))
    return [(se, m, 0, 0) for se, m in ops]


def atan_operands():
    ops = []
    for _ in range(120):
        y = operand(random.randrange(-30, 30))
        x = operand(random.randrange(-30, 30))
        ops.append((x[0], x[1], y[0], y[1]))
    for _ in range(40):
        # Ratios next to 1, 13/32 and 32/13 (the reduction's boundaries).
        x = operand(random.randrange(-5, 5))
        r = random.choice([1, mpf(13) / 32, mpf(32) / 13]) * (1 + mpf(random.randrange(-1000, 1000)) / (1 << 60))
        y = encode(value(*x) * r * (-1 if random.getrandbits(1) else 1))
        ops.append((x[0], x[1], y[0], y[1]))
    for _ in range(20):
        y = operand(random.randrange(-200, -70))
        x = operand(random.randrange(-3, 3))
        ops.append((x[0], x[1], y[0], y[1]))
    for _ in range(10):
        y = operand(random.randrange(70, 200))
        x = operand(random.randrange(-3, 3))
        ops.append((x[0], x[1], y[0], y[1]))
    # An exact tiny ratio: atan(t) = t - t^3/3 with t representable.
    ops.append((BIAS, 1 << 63, BIAS - 80, 0xC000_0000_0000_0000))
    ops.append((0x8000 | BIAS, 1 << 63, BIAS - 80, 0xC000_0000_0000_0000))
    return ops


def f2xm1_operands():
    ops = []
    for _ in range(120):
        ops.append(operand(random.randrange(-64, 0)))
    for _ in range(10):
        ops.append(operand(random.randrange(-16000, -64)))
    for s in (0, 1):
        ops.append(((s << 15) | BIAS, 1 << 63))
        ops.append(((s << 15) | (BIAS - 1), (1 << 64) - 1))
        ops.append(((s << 15) | (BIAS - 1), 1 << 63))
    return [(se, m, 0, 0) for se, m in ops]


def fyl2x_operands():
    ops = []
    one = (BIAS, 1 << 63)
    for _ in range(80):
        x = operand(random.randrange(-16000, 16000), sign=0)
        ops.append(x + one)
    for _ in range(40):
        x = operand(random.randrange(-30, 30), sign=0)
        y = operand(random.randrange(-30, 30))
        ops.append(x + y)
    for _ in range(30):
        # Next to 1, from both sides.
        d = random.randrange(1, 1 << random.randrange(1, 40))
        if random.getrandbits(1):
            ops.append((BIAS, (1 << 63) + d) + one)
        else:
            ops.append((BIAS - 1, (1 << 64) - d) + one)
    for k in (-16000, -3, -1, 1, 5, 16383):
        ops.append((BIAS + k, 1 << 63) + operand(random.randrange(-5, 5)))
    return ops


def fyl2xp1_operands():
    ops = []
    one = (BIAS, 1 << 63)
    for _ in range(100):
        x = operand(random.randrange(-64, -2))
        ops.append(x + one)
    for _ in range(20):
        x = operand(-2)
        bound = (1 - mpmath.sqrt(2) / 2)
        if value(*x) > bound or value(*x) < -bound:
            continue
        ops.append(x + operand(random.randrange(-10, 10)))
    for _ in range(10):
        ops.append(operand(random.randrange(-16000, -64)) + one)
    bound = encode(1 - mpmath.sqrt(2) / 2)
    ops.append((bound[0], bound[1] - 1) + one)
    ops.append((bound[0] | 0x8000, bound[1] - 1) + one)
    return ops


def main():
    print("# Reference results for the x87 transcendental instructions, made by")
    print("# generate_x87_transcendental.py (mpmath). One case per line:")
    print("#   op  ST(0) sign-exponent:significand  ST(1) sign-exponent:significand")
    print("#       exact value: sign, unbiased exponent of its leading bit,")
    print("#       the first 192 bits of the significand, exact/inexact")
    print("# fsin/fcos/fptan/f2xm1 read ST(0); fpatan is atan2(ST(1), ST(0));")
    print("# fyl2x is ST(1)*log2(ST(0)); fyl2xp1 is ST(1)*log2(ST(0)+1).")
    funcs = [
        ("fsin", trig_operands(), lambda x, y: mpmath.sin(x)),
        ("fcos", trig_operands(), lambda x, y: mpmath.cos(x)),
        ("fptan", trig_operands(), lambda x, y: mpmath.tan(x)),
        ("fpatan", atan_operands(), lambda x, y: mpmath.atan2(y, x)),
        ("f2xm1", f2xm1_operands(), lambda x, y: mpmath.expm1(x * mpmath.log(2))),
        ("fyl2x", fyl2x_operands(), lambda x, y: y * mpmath.log(x) / mpmath.log(2)),
        ("fyl2xp1", fyl2xp1_operands(), lambda x, y: y * mpmath.log1p(x) / mpmath.log(2)),
    ]
    for name, ops, f in funcs:
        for se0, m0, se1, m1 in ops:
            x, y = value(se0, m0), value(se1, m1)
            if name == "fyl2x" and m0 == 1 << 63:
                # log2 of a power of two is an integer.
                fields = exact_fields(y * ((se0 & 0x7FFF) - BIAS))
            elif name == "f2xm1" and x in (1, -1):
                fields = exact_fields(mpmath.power(2, x) - 1)
            else:
                # Only the cases above are exact. A tiny argument needs the
                # precision to see the function's difference from it.
                prec = 1200
                while True:
                    with mpmath.workprec(prec):
                        fields = exact_fields(f(x, y))
                    if fields.endswith("inexact"):
                        break
                    prec *= 4
            print(f"{name} {se0:04x}:{m0:016x} {se1:04x}:{m1:016x} {fields}")


main()
