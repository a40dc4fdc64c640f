//! Exact small-sample statistics for anomaly counts.
//!
//! * Clopper–Pearson ("exact") binomial confidence intervals, one- and
//!   two-sided. With 0 anomalies in n iterations the one-sided upper bound is
//!   `1 - (1 - confidence)^(1/n)`, about `3/n` at 95% (the "rule of three").
//! * Fisher's exact test on a 2×2 table (anomalies / clean iterations on two
//!   machines), two-sided, summing every table at most as probable as the
//!   observed one (the convention of R's `fisher.test`).
//!
//! Counts reach billions in long soaks, so everything works in log space and
//! in time that does not grow with the counts themselves (Fisher: O(standard
//! deviation) terms; intervals: a finite binomial sum when there are at
//! most 2000 anomalies (or clean iterations), else a continued fraction,
//! inverted by bisection; tested to 1e15 iterations for few anomalies and
//! to 1e12 for many).

use statrs::function::gamma::ln_gamma;

/// One-sided exact upper bound on a binomial proportion: the largest `p` for
/// which seeing `k` or fewer successes in `n` trials still has probability
/// at least `1 - confidence`.
///
/// `n == 0` gives 1.0 (nothing is known), `k >= n` gives 1.0.
pub fn clopper_pearson_upper_one_sided(k: u64, n: u64, confidence: f64) -> f64 {
    let alpha = 1.0 - confidence;
    upper_bound(k, n, alpha)
}

/// Two-sided exact (Clopper–Pearson) confidence interval `(lower, upper)` on
/// a binomial proportion with `k` successes in `n` trials.
///
/// `n == 0` gives `(0.0, 1.0)`. `k` larger than `n` is clamped to `n`.
pub fn clopper_pearson_interval(k: u64, n: u64, confidence: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let k = k.min(n);
    let alpha = 1.0 - confidence;
    let lower = if k == 0 {
        0.0
    } else if k == n {
        // Closed form of BetaInv(alpha/2; n, 1).
        (alpha / 2.0).powf(1.0 / n as f64)
    } else {
        beta_inv(alpha / 2.0, k as f64, (n - k + 1) as f64)
    };
    let upper = upper_bound(k, n, alpha / 2.0);
    // Beyond about 1e13 iterations with many anomalies f64 runs out of
    // digits; never let that show as an interval that misses the estimate.
    let rate = k as f64 / n as f64;
    (lower.min(rate), upper.max(rate))
}

/// Upper bound with tail probability `tail`: BetaInv(1 - tail; k + 1, n - k).
fn upper_bound(k: u64, n: u64, tail: f64) -> f64 {
    if n == 0 || k >= n {
        return 1.0;
    }
    if k == 0 {
        // Closed form: solve (1 - p)^n = tail. ln_1p/exp_m1 keep precision
        // for large n where p is tiny.
        return -((tail.ln() / n as f64).exp_m1());
    }
    beta_inv(1.0 - tail, (k + 1) as f64, (n - k) as f64)
}

/// Fisher's exact test, two-sided, for the 2×2 table
///
/// ```text
///            anomalies  clean
/// machine 1      a        b
/// machine 2      c        d
/// ```
///
/// Returns the probability, with all margins fixed, of a table at most as
/// likely as the observed one (relative tolerance 1e-7, as R does). Always in
/// `[0, 1]`; 1.0 for degenerate tables (an empty row or column).
pub fn fisher_exact_two_sided(a: u64, b: u64, c: u64, d: u64) -> f64 {
    // Margins. Work in f64 throughout: counts up to 2^53 are exact.
    let r1 = a + b; // row 1 total
    let r2 = c + d; // row 2 total
    let c1 = a + c; // column 1 total
    let n = r1 + r2;
    if r1 == 0 || r2 == 0 || c1 == 0 || c1 == n {
        return 1.0;
    }
    // Support of `a` given the margins.
    let lo = c1.saturating_sub(r2);
    let hi = r1.min(c1);
    if lo == hi {
        return 1.0;
    }
    let (r1f, r2f, c1f, nf) = (r1 as f64, r2 as f64, c1 as f64, n as f64);
    let ln_choose = |n: f64, k: f64| ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0);
    let ln_denominator = ln_choose(nf, c1f);
    let ln_p = |x: u64| {
        let x = x as f64;
        ln_choose(r1f, x) + ln_choose(r2f, c1f - x) - ln_denominator
    };
    // ln P(x+1) - ln P(x) for the hypergeometric distribution.
    let ln_ratio_up = |x: u64| {
        let x = x as f64;
        ((r1f - x) * (c1f - x) / ((x + 1.0) * (r2f - c1f + x + 1.0))).ln()
    };

    let ln_p_obs = ln_p(a);
    // Every counted term is <= P(obs) and there are at most hi-lo+1 of them:
    // if even that sum underflows, the p-value is 0 in f64.
    if ln_p_obs + ((hi - lo + 1) as f64).ln() < -745.0 {
        return 0.0;
    }
    let threshold = ln_p_obs + 1e-7;
    // Terms far below P(obs) cannot change the sum (the tails of the
    // hypergeometric distribution decay faster than geometrically).
    let negligible = ln_p_obs - 40.0;

    // The mode of the hypergeometric distribution.
    let mode = ((((r1 as u128 + 1) * (c1 as u128 + 1)) / (n as u128 + 2)) as u64).clamp(lo, hi);
    let ln_p_mode = ln_p(mode);

    let mut sum = 0.0f64;
    // Walk up from the mode.
    let mut x = mode;
    let mut lp = ln_p_mode;
    loop {
        if lp <= threshold {
            sum += lp.exp();
        }
        if x == hi || (lp < negligible && x > a) {
            break;
        }
        lp += ln_ratio_up(x);
        x += 1;
    }
    // Walk down from the mode.
    if mode > lo {
        let mut x = mode;
        let mut lp = ln_p_mode;
        loop {
            // ln P(x-1) - ln P(x) = -ln_ratio_up(x-1)
            lp -= ln_ratio_up(x - 1);
            x -= 1;
            if lp <= threshold {
                sum += lp.exp();
            }
            if x == lo || (lp < negligible && x < a) {
                break;
            }
        }
    }
    sum.clamp(0.0, 1.0)
}

/// Inverse of the regularized incomplete beta function in `x`: the `x` with
/// `I_x(a, b) = q`. Bisection (mixing geometric steps so tiny answers get
/// full relative precision); `I_x` is increasing in `x`.
fn beta_inv(q: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..2000 {
        let mid = if lo > 0.0 && hi / lo > 4.0 {
            (lo * hi).sqrt()
        } else {
            0.5 * (lo + hi)
        };
        if mid <= lo || mid >= hi {
            break;
        }
        if beta_reg(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Regularized incomplete beta function `I_x(a, b)`, by the continued
/// fraction of Numerical Recipes (modified Lentz), with an iteration cap
/// well above what parameters in the hundreds of billions need.
fn beta_reg(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    // Small integer parameter (few anomalies, or few clean iterations): the
    // finite binomial sum is exact and well conditioned, where the
    // continued fraction would need 1 - x to more digits than f64 has.
    if a.min(b) <= 2000.0 && a.fract() == 0.0 && b.fract() == 0.0 {
        return if a <= b {
            1.0 - binomial_cdf_small(a as u64 - 1, a + b - 1.0, x)
        } else {
            binomial_cdf_small(b as u64 - 1, a + b - 1.0, 1.0 - x)
        };
    }
    let front = beta_front(a, b, x);
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// `x^a (1-x)^b / B(a, b)` without the cancellation of subtracting
/// log-gammas near 1e16 (counts near 1e15 would lose every digit).
/// For large `a` and `b` this is `brcomp` of TOMS 708 (DiDonato & Morris);
/// for one small parameter, Stirling differences with `ln_1p`.
/// P(X <= j_max) for X ~ Binomial(n, p), summing `j_max + 1` terms in log
/// space (only used with `j_max` up to 2000). `I_x(a, b) = P(X >= a)` for
/// `X ~ Binomial(a + b - 1, x)` and integer `a`, `b`.
fn binomial_cdf_small(j_max: u64, n: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if j_max as f64 >= n { 1.0 } else { 0.0 };
    }
    let ln_q = (-p).ln_1p();
    let ln_odds = p.ln() - ln_q;
    let mut lp = n * ln_q; // ln P(X = 0)
    let mut sum = lp.exp();
    for j in 0..j_max {
        let j = j as f64;
        lp += ((n - j) / (j + 1.0)).ln() + ln_odds;
        sum += lp.exp();
    }
    sum.min(1.0)
}

fn beta_front(a: f64, b: f64, x: f64) -> f64 {
    let y = 1.0 - x;
    if a >= 8.0 && b >= 8.0 {
        let (x0, y0, lambda) = if a <= b {
            let h = a / b;
            (h / (1.0 + h), 1.0 / (1.0 + h), a - (a + b) * x)
        } else {
            let h = b / a;
            (1.0 / (1.0 + h), h / (1.0 + h), (a + b) * y - b)
        };
        let e = -lambda / a;
        let u = if e.abs() > 0.6 {
            e - (x / x0).ln()
        } else {
            rlog1(e)
        };
        let e = lambda / b;
        let v = if e.abs() > 0.6 {
            e - (y / y0).ln()
        } else {
            rlog1(e)
        };
        let z = (-(a * u + b * v)).exp();
        let bcorr = stirling_corr(a) + stirling_corr(b) - stirling_corr(a + b);
        (b * x0).sqrt() * z * (-bcorr).exp() / (2.0 * std::f64::consts::PI).sqrt()
    } else if b >= 8.0 {
        // ln Γ(a+b) - ln Γ(b), by Stirling, combined with b ln(1-x).
        let ln_front = a * ((a + b) * x).ln() + b * (-x).ln_1p() + (b - 0.5) * (a / b).ln_1p() - a
            + stirling_corr(a + b)
            - stirling_corr(b)
            - ln_gamma(a);
        ln_front.exp()
    } else if a >= 8.0 {
        let ln_front = b * ((a + b) * y).ln() + a * x.ln() + (a - 0.5) * (b / a).ln_1p() - b
            + stirling_corr(a + b)
            - stirling_corr(a)
            - ln_gamma(b);
        ln_front.exp()
    } else {
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p()).exp()
    }
}

/// `ln Γ(x) - ((x - 0.5) ln x - x + ln(2π)/2)` for `x >= 8` (Stirling series).
fn stirling_corr(x: f64) -> f64 {
    let r = 1.0 / x;
    let r2 = r * r;
    r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)))
}

/// `x - ln(1 + x)`, accurate for small `x`.
fn rlog1(x: f64) -> f64 {
    if x.abs() < 0.01 {
        // x^2/2 - x^3/3 + x^4/4 - ...
        let mut term = x * x;
        let mut sum = 0.0;
        for k in 2..12 {
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            sum += sign * term / k as f64;
            term *= x;
        }
        sum
    } else {
        x - x.ln_1p()
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const EPS: f64 = 1e-15;
    const FPMIN: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < FPMIN {
        d = FPMIN;
    }
    d = 1.0 / d;
    let mut h = d;
    // In practice it converges within a few hundred terms even for counts
    // near 1e11; the cap bounds the time for absurd inputs (beyond 2^53).
    let max_iter = (1000 + 10 * (a.max(b).sqrt() as u64)).min(20_000);
    for m in 1..=max_iter {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = 1.0 + aa / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = 1.0 + aa / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    //! Reference values below were computed with mpmath at 30 digits and are
    //! written in R notation (`binom.test`, `qbeta`, `fisher.test`); the
    //! 682/925 interval is the example of R's `binom.test` documentation.
    use super::*;

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= rel * expected.abs().max(1e-300)
    }

    macro_rules! assert_close {
        ($actual:expr, $expected:expr, $rel:expr) => {{
            let (a, e) = ($actual, $expected);
            assert!(
                close(a, e, $rel),
                "{} = {a:e}, expected {e:e} (rel {})",
                stringify!($actual),
                $rel
            );
        }};
    }

    #[test]
    fn one_sided_upper_zero_of_250000_is_about_1_2e_5() {
        let u = clopper_pearson_upper_one_sided(0, 250_000, 0.95);
        let closed = 1.0 - 0.05f64.powf(1.0 / 250_000.0);
        assert_close!(u, closed, 1e-9);
        assert_close!(u, 1.198_2e-5, 1e-3);
        // Rule of three.
        assert_close!(u, 3.0 / 250_000.0, 0.01);
    }

    #[test]
    fn one_sided_upper_known_values() {
        // BetaInv(0.95; k+1, n-k), values of qbeta(0.95, k+1, n-k).
        // qbeta(0.95, 2, 99) = 0.04655981
        assert_close!(
            clopper_pearson_upper_one_sided(1, 100, 0.95),
            0.046_559_81,
            1e-6
        );
        // qbeta(0.95, 6, 5) = 0.7775589
        assert_close!(
            clopper_pearson_upper_one_sided(5, 10, 0.95),
            0.777_558_9,
            1e-6
        );
    }

    #[test]
    fn one_sided_extremes() {
        assert_eq!(clopper_pearson_upper_one_sided(0, 0, 0.95), 1.0);
        assert_eq!(clopper_pearson_upper_one_sided(7, 7, 0.95), 1.0);
        assert_eq!(clopper_pearson_upper_one_sided(9, 7, 0.95), 1.0);
        // 0 of 10^12: about 3e-12, and still exact to the closed form.
        let u = clopper_pearson_upper_one_sided(0, 1_000_000_000_000, 0.95);
        assert_close!(u, 2.995_732e-12, 1e-6);
    }

    #[test]
    fn two_sided_known_values() {
        // binom.test(682, 925)$conf.int = 0.7076683 0.7654066
        let (l, u) = clopper_pearson_interval(682, 925, 0.95);
        assert_close!(l, 0.707_668_3, 1e-6);
        assert_close!(u, 0.765_406_6, 1e-6);
        // binom.test(5, 10)$conf.int = 0.187086 0.812914
        let (l, u) = clopper_pearson_interval(5, 10, 0.95);
        assert_close!(l, 0.187_086_0, 1e-6);
        assert_close!(u, 0.812_914_0, 1e-6);
        // binom.test(0, 10)$conf.int = 0 0.3084971
        let (l, u) = clopper_pearson_interval(0, 10, 0.95);
        assert_eq!(l, 0.0);
        assert_close!(u, 0.308_497_1, 1e-6);
        // binom.test(10, 10)$conf.int = 0.6915029 1
        let (l, u) = clopper_pearson_interval(10, 10, 0.95);
        assert_close!(l, 0.691_502_9, 1e-6);
        assert_eq!(u, 1.0);
    }

    #[test]
    fn two_sided_extremes_and_large_counts() {
        assert_eq!(clopper_pearson_interval(0, 0, 0.95), (0.0, 1.0));
        // 0 of 250000, two-sided: upper = 1 - 0.025^(1/n).
        let (l, u) = clopper_pearson_interval(0, 250_000, 0.95);
        assert_eq!(l, 0.0);
        assert_close!(u, 1.0 - 0.025f64.powf(1.0 / 250_000.0), 1e-9);
        // 1 of 1879 (the article's first ARM anomaly, as a rate).
        // binom.test(1, 1879)$conf.int = 1.3474e-05 2.961613e-03
        let (l, u) = clopper_pearson_interval(1, 1879, 0.95);
        assert_close!(l, 1.347_400e-5, 1e-5);
        assert_close!(u, 2.961_613e-3, 1e-5);
        // Half of ten billion: interval about p ± 1.96 sqrt(p(1-p)/n).
        let n = 10_000_000_000u64;
        let (l, u) = clopper_pearson_interval(n / 2, n, 0.95);
        let half = 1.959_964 * (0.25f64 / n as f64).sqrt();
        assert_close!(0.5 - l, half, 1e-3);
        assert_close!(u - 0.5, half, 1e-3);
        // A billion iterations, one anomaly: finite, ordered, sane.
        let (l, u) = clopper_pearson_interval(1, 1_000_000_000, 0.95);
        assert!(0.0 < l && l < 1e-9 && 1e-9 < u && u < 1e-8, "{l:e} {u:e}");
    }

    #[test]
    fn intervals_stay_exact_for_huge_counts() {
        // k = 1: the lower bound has the closed form 1 - (1 - alpha/2)^(1/n).
        for n in [1_000_000u64, 1_000_000_000_000, 1_000_000_000_000_000] {
            let (l, u) = clopper_pearson_interval(1, n, 0.95);
            assert_close!(l, -((0.975f64.ln() / n as f64).exp_m1()), 1e-6);
            // Poisson limit: upper = chi2(0.975, 4)/2 / n = 5.571643 / n.
            assert_close!(u * n as f64, 5.571_643, 1e-4);
        }
        // Half of 1e12: p +- 1.96 sqrt(p(1-p)/n).
        let n = 1_000_000_000_000u64;
        let (l, u) = clopper_pearson_interval(n / 2, n, 0.95);
        let half = 1.959_964 * (0.25f64 / n as f64).sqrt();
        assert_close!(0.5 - l, half, 1e-3);
        assert_close!(u - 0.5, half, 1e-3);
    }

    #[test]
    fn fisher_tea_tasting() {
        // Fisher's lady tasting tea: 3,1 / 1,3 -> two-sided p = 0.4857.
        assert_close!(fisher_exact_two_sided(3, 1, 1, 3), 0.485_714_3, 1e-6);
        assert_close!(fisher_exact_two_sided(1, 3, 3, 1), 0.485_714_3, 1e-6);
        assert_close!(fisher_exact_two_sided(4, 0, 0, 4), 0.028_571_43, 1e-6);
    }

    #[test]
    fn fisher_known_values() {
        // fisher.test(matrix(c(1, 9, 11, 3), 2))$p.value = 0.002759456
        assert_close!(fisher_exact_two_sided(1, 11, 9, 3), 0.002_759_456, 1e-6);
        // Symmetric under swapping rows, columns and transposition.
        let p = fisher_exact_two_sided(1, 11, 9, 3);
        assert_close!(fisher_exact_two_sided(9, 3, 1, 11), p, 1e-9);
        assert_close!(fisher_exact_two_sided(11, 1, 3, 9), p, 1e-9);
        assert_close!(fisher_exact_two_sided(1, 9, 11, 3), p, 1e-9);
    }

    #[test]
    fn fisher_degenerate_tables() {
        assert_eq!(fisher_exact_two_sided(0, 0, 0, 0), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 250_000, 0, 1879), 1.0);
        assert_eq!(fisher_exact_two_sided(5, 0, 7, 0), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 0, 3, 4), 1.0);
    }

    #[test]
    fn fisher_article_figures() {
        // x86: 0 anomalies of 250000; ARM: 1 of 1879. Even a single anomaly
        // is a significant difference here, because the ARM run is so much
        // shorter: under "same rate", the one anomaly lands in the ARM row
        // with probability 1879/251879 = 0.0075 (the only table at least as
        // extreme, two-sided), below `compare`'s default alpha of 0.05, so
        // `compare` says "differs" (tests/compare.rs checks that text). At
        // alpha = 0.001 it would not. The ARM run stopped at its first
        // anomaly, which biases its count; `compare` warns about that
        // separately.
        let p = fisher_exact_two_sided(0, 250_000, 1, 1878);
        assert_close!(p, 1879.0 / 251_879.0, 1e-9);
        assert!(p < 0.05 && p > 0.001, "{p}");
        // Ten anomalies in the same ARM run would be decisive.
        let p = fisher_exact_two_sided(0, 250_000, 10, 1869);
        assert!(p < 1e-15, "{p:e}");
        // The same single anomaly in an ARM run as long as the x86 one is
        // no evidence at all: p = 1.
        let p = fisher_exact_two_sided(0, 250_000, 1, 249_999);
        assert_close!(p, 1.0, 1e-9);
    }

    /// Huge counts stay within [0, 1] and give the right order of
    /// magnitude. How fast that is, is a benchmark's question
    /// (`scripts/bench.sh fisher`), not a test's.
    #[test]
    fn fisher_large_counts_bounded() {
        let p = fisher_exact_two_sided(1_000_000_000, 1_000_000_000, 1_000_010_000, 999_990_000);
        assert!((0.0..=1.0).contains(&p));
        // Nearly equal rates: p not small (z is about 0.3).
        assert!(p > 0.5, "{p}");
        let p = fisher_exact_two_sided(2_000_000, 3_000_000_000, 2_300_000, 3_000_000_000);
        assert_eq!(p, 0.0); // far beyond f64 range: underflows to 0
    }
}
