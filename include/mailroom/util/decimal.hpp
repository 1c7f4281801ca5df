// Numbers with a fixed count of decimals, as printf("%.1f") writes them,
// without printf: glibc's floating-point printf (__printf_fp and its
// multi-precision helpers) is several code pages a delivery would fault in
// for the spam score fields alone (issue 14, bench/deliver's fixed
// per-process cost).
#pragma once

#include <string>

namespace mailroom {

// Appends exactly what printf("%.Nf", value) writes, N = `decimals` (1 to
// 3): the exact binary value correctly rounded, a tie (0.25 exactly) to the
// even digit; a sign for every negative value, also one that rounds to
// zero ("-0.0"); "inf", "-inf", "nan", "-nan" as glibc writes them.
void append_fixed(std::string& out, double value, int decimals);

// printf("%.1f", value).
[[nodiscard]] std::string one_decimal(double value);

}  // namespace mailroom
