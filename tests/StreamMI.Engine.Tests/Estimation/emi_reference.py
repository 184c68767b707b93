"""Expected mutual information under the permutation null, to 50 significant digits.

Usage: /usr/bin/python3 emi_reference.py ROW,TOTALS COLUMN,TOTALS

An independent reference for ExpectedMutualInformationTests at totals (N = 10^8) where
double-precision log-factorials are too coarse. Each cell count is hypergeometric; its
probabilities come from the exact ratio of neighbours in 50-digit decimals, are summed
until they fall below 1e-40 of the total, and normalised by that total. The term for a
cell count n is (n/N) ln(nN/(ab)), as in Vinh, Epps and Bailey (2010).
"""
import sys
from decimal import Decimal as D, getcontext

getcontext().prec = 50


def expected_cell_term(a, b, total):
    low, high = max(0, a + b - total), min(a, b)
    mode = min(max((a + 1) * (b + 1) // (total + 2), low), high)

    def term(n):
        return D(0) if n == 0 else D(n) / D(total) * (D(n) * D(total) / (D(a) * D(b))).ln()

    mass, weighted = D(1), term(mode)
    weight, n = D(1), mode
    while n < high:
        weight = weight * D((a - n) * (b - n)) / D((n + 1) * (total - a - b + n + 1))
        n += 1
        mass += weight
        weighted += weight * term(n)
        if weight < D(10) ** -40 * mass:
            break
    weight, n = D(1), mode
    while n > low:
        weight = weight * D(n * (total - a - b + n)) / D((a - n + 1) * (b - n + 1))
        n -= 1
        mass += weight
        weighted += weight * term(n)
        if weight < D(10) ** -40 * mass:
            break
    return weighted / mass


rows = [int(v) for v in sys.argv[1].split(",")]
columns = [int(v) for v in sys.argv[2].split(",")]
total = sum(rows)
assert total == sum(columns)
print(repr(float(sum(expected_cell_term(a, b, total) for a in rows for b in columns))))
