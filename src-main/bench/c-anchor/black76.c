/*
 * The C anchor for the revaluation kernel (src-main/bench/kernel-bench.ts compiles it with
 * `cc -O3 -march=native` and runs it beside the JS and WebAssembly kernels, in the same run).
 *
 * The same work as the kernel bench: 4096 option rows x 256 scenarios = 2^20 Black-76 valuations,
 * repeated 20 times, one thread, on the same book and scenarios (the generators below mirror
 * benchWork() in kernel-bench.ts). Two variants:
 *   hart  the kernel's own algorithm (src-main/engine/scenarios/revalue.ts): one libm exp per
 *         valuation, e^(-d2^2/2) = e^(-d1^2/2) F/K, and Hart's CDF fed with it (normal.ts);
 *   libm  textbook Black-76 with libm's erfc for the CDF.
 * Usage: black76 [runs [repetitions]] (defaults 3, 20). Prints one JSON object: M valuations/s per
 * variant (best of `runs` timings of `repetitions` passes) and each variant's sum of P&L, which the
 * bench compares with the kernels' (same work, same answer).
 */
#define _POSIX_C_SOURCE 200112L /* clock_gettime, CLOCK_THREAD_CPUTIME_ID */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROWS 4096
#define SCENARIOS 256
#define MIN_SCENARIO_VOL 0.01
#define FORWARD 60000.0

static double strike[ROWS], years[ROWS], vol[ROWS], units[ROWS], logFK0[ROWS], inverseStrike[ROWS];
static int call[ROWS];
static double growth[SCENARIOS], logGrowth[SCENARIOS], volAbs[SCENARIOS], timeShift[SCENARIOS];
static double out[ROWS * SCENARIOS];

/* Rows and scenarios: keep in step with benchWork() in kernel-bench.ts. */
static void setup(void) {
  for (int r = 0; r < ROWS; r++) {
    int k = r % 64, e = (r / 64) % 16, put = (r / 1024) % 2, v = (r / 2048) % 2;
    strike[r] = FORWARD * exp(-0.6 + 1.2 * k / 63.0);
    years[r] = (e + 1) * (e + 1) / 256.0;
    vol[r] = 0.4 + 0.3 * v + 0.4 * (k / 63.0 - 0.5) * (k / 63.0 - 0.5);
    call[r] = !put;
    units[r] = 1 + r % 3;
    logFK0[r] = log(FORWARD / strike[r]);
    inverseStrike[r] = 1 / strike[r];
  }
  for (int j = 0; j < SCENARIOS; j++) {
    double move = -0.4 + 0.8 * (j / 8) / 31.0;
    growth[j] = 1 + move;
    logGrowth[j] = log1p(move);
    volAbs[j] = -0.1 + 0.05 * (j % 8);
    timeShift[j] = 1 / 365.0;
  }
}

/* Hart 5666 as normal.ts: Phi(x) given e = exp(-x^2/2). */
static inline double cdfWithExp(double x, double e) {
  double ax = x < 0 ? -x : x, c;
  if (ax > 37) {
    c = 0;
  } else if (ax < 7.07106781186547) {
    double n = ((((((3.52624965998911e-2 * ax + 0.700383064443688) * ax + 6.37396220353165) * ax + 33.912866078383) * ax + 112.079291497871) * ax + 221.213596169931) * ax + 220.206867912376);
    double d = (((((((8.83883476483184e-2 * ax + 1.75566716318264) * ax + 16.064177579207) * ax + 86.7807322029461) * ax + 296.564248779674) * ax + 637.333633378831) * ax + 793.826512519948) * ax + 440.413735824752);
    c = (e * n) / d;
  } else {
    double b = ax + 0.65;
    b = ax + 4 / b;
    b = ax + 3 / b;
    b = ax + 2 / b;
    b = ax + 1 / b;
    c = e / b / 2.506628274631;
  }
  return x > 0 ? 1 - c : c;
}

static inline double cdfErfc(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }

/* One pass over the 2^20 cells: the kernel's loop for linear option rows, sticky strike, base value 0. */
static void revalueHart(void) {
  for (int r = 0; r < ROWS; r++) {
    double *row = out + (size_t)r * SCENARIOS;
    double K = strike[r];
    for (int j = 0; j < SCENARIOS; j++) {
      double f = FORWARD * growth[j], t = years[r] - timeShift[j], value;
      if (t <= 0) {
        value = call[r] ? (f > K ? f - K : 0) : (K > f ? K - f : 0);
      } else {
        double v = vol[r] + volAbs[j];
        if (v < MIN_SCENARIO_VOL) v = MIN_SCENARIO_VOL;
        double sd = v * sqrt(t);
        double d1 = (logFK0[r] + logGrowth[j]) * (1 / sd) + 0.5 * sd, d2 = d1 - sd;
        double e1 = exp(-0.5 * d1 * d1), e2 = e1 * f * inverseStrike[r];
        value = call[r] ? f * cdfWithExp(d1, e1) - K * cdfWithExp(d2, e2) : K * cdfWithExp(-d2, e2) - f * cdfWithExp(-d1, e1);
      }
      row[j] = units[r] * value;
    }
  }
}

static void revalueLibm(void) {
  for (int r = 0; r < ROWS; r++) {
    double *row = out + (size_t)r * SCENARIOS;
    double K = strike[r];
    for (int j = 0; j < SCENARIOS; j++) {
      double f = FORWARD * growth[j], t = years[r] - timeShift[j], value;
      if (t <= 0) {
        value = call[r] ? (f > K ? f - K : 0) : (K > f ? K - f : 0);
      } else {
        double v = vol[r] + volAbs[j];
        if (v < MIN_SCENARIO_VOL) v = MIN_SCENARIO_VOL;
        double sd = v * sqrt(t);
        double d1 = (log(f / K)) / sd + 0.5 * sd, d2 = d1 - sd;
        value = call[r] ? f * cdfErfc(d1) - K * cdfErfc(d2) : K * cdfErfc(-d2) - f * cdfErfc(-d1);
      }
      row[j] = units[r] * value;
    }
  }
}

static double seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double sum(void) {
  double s = 0;
  for (size_t i = 0; i < (size_t)ROWS * SCENARIOS; i++) s += out[i];
  return s;
}

static int repetitions = 20;

/*
 * Best of `runs` timings of `repetitions` passes, in M valuations/s, by the wall clock and by the
 * thread's CPU time (steadier on a shared machine); *total gets the P&L sum.
 */
static double measure(void (*pass)(void), int runs, double *cpuMps, double *total) {
  double best = 1e300, bestCpu = 1e300;
  pass(); /* warm caches */
  for (int k = 0; k < runs; k++) {
    double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
    for (int rep = 0; rep < repetitions; rep++) pass();
    double dt = seconds(CLOCK_MONOTONIC) - t0, dc = seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
    if (dt < best) best = dt;
    if (dc < bestCpu) bestCpu = dc;
  }
  *total = sum();
  *cpuMps = (double)ROWS * SCENARIOS * repetitions / bestCpu / 1e6;
  return (double)ROWS * SCENARIOS * repetitions / best / 1e6;
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 3;
  if (runs < 1) runs = 1;
  if (argc > 2 && atoi(argv[2]) > 0) repetitions = atoi(argv[2]);
  setup();
  double hartSum, libmSum, hartCpu, libmCpu;
  double hart = measure(revalueHart, runs, &hartCpu, &hartSum);
  double libm = measure(revalueLibm, runs, &libmCpu, &libmSum);
  printf("{\"valuations\":%d,\"repetitions\":%d,\"hartMps\":%.3f,\"libmMps\":%.3f,\"hartCpuMps\":%.3f,\"libmCpuMps\":%.3f,"
         "\"hartSum\":%.17g,\"libmSum\":%.17g}\n",
         ROWS * SCENARIOS, repetitions, hart, libm, hartCpu, libmCpu, hartSum, libmSum);
  return 0;
}
