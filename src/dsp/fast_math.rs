//! Base-2 logarithm and power from a float's bits and a short series: for control-rate gain
//! curves (a compressor's dB arithmetic), where the library functions cost ten times more and
//! an error of a thousandth of a dB is far below anything heard.

use std::f32::consts::LN_2;

/// log2 of `x` for positive normal `x`, within 2e-5 (absolute; a few float steps). Zero,
/// negative, subnormal and NaN inputs give -126 (a level far below any threshold), infinity 128.
#[inline(always)]
#[allow(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "the negated comparison is the point: it is true for NaN too, in one test"
)]
pub(crate) fn log2(x: f32) -> f32 {
    // One comparison for the usual case: false for NaN as for anything below the normals.
    if !(x >= f32::MIN_POSITIVE) {
        // Zero, negative, subnormal or NaN.
        return -126.0;
    }
    if x == f32::INFINITY {
        return 128.0;
    }
    let bits = x.to_bits();
    let mut exponent = ((bits >> 23) & 0xff) as i32 - 127;
    // The mantissa as a value in 1..2, then in sqrt(1/2)..sqrt(2).
    let mut mantissa = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if mantissa > std::f32::consts::SQRT_2 {
        mantissa *= 0.5;
        exponent += 1;
    }
    // log2(m) = 2/ln 2 * atanh(u) with u = (m - 1)/(m + 1) within +-0.172: the odd series to
    // u^7 leaves 0.172^9/9 ~ 2e-8, times 2/ln 2; what remains is rounding.
    let u = (mantissa - 1.0) / (mantissa + 1.0);
    let u2 = u * u;
    let series = u * (1.0 + u2 * (1.0 / 3.0 + u2 * (1.0 / 5.0 + u2 * (1.0 / 7.0))));
    exponent as f32 + series * (2.0 / LN_2)
}

/// 2 to the power `y`, within 1e-5 relative, for `y` in -126..128 (clamped to that range).
#[inline(always)]
pub(crate) fn exp2(y: f32) -> f32 {
    let y = if y.is_nan() {
        0.0
    } else {
        y.clamp(-126.0, 127.0)
    };
    let whole = y.floor();
    // 2^f for f in -0.5..0.5 (then times sqrt 2): e^(f ln 2) to the sixth power leaves
    // (0.35)^7/5040 ~ 1.3e-7.
    let t = (y - whole - 0.5) * LN_2;
    let series = 1.0
        + t * (1.0
            + t * (1.0 / 2.0
                + t * (1.0 / 6.0 + t * (1.0 / 24.0 + t * (1.0 / 120.0 + t * (1.0 / 720.0))))));
    let scale = f32::from_bits(((whole as i32 + 127) as u32) << 23);
    series * std::f32::consts::SQRT_2 * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_is_within_2e_5_over_the_whole_range() {
        let mut worst = 0.0f32;
        let mut x = 1.0e-30f32;
        while x < 1.0e30 {
            worst = worst.max((log2(x) - x.log2()).abs());
            x *= 1.0137;
        }
        assert!(worst < 2.0e-5, "worst {worst}");
        assert_eq!(log2(1.0), 0.0);
        assert!(log2(0.0) <= -126.0 && log2(-1.0) <= -126.0 && log2(f32::NAN) <= -126.0);
        assert!(log2(f32::INFINITY).is_finite());
    }

    #[test]
    fn exp2_is_within_1e_5_relative_over_the_whole_range() {
        let mut worst = 0.0f32;
        let mut y = -125.0f32;
        while y < 127.0 {
            let exact = y.exp2();
            worst = worst.max((exp2(y) - exact).abs() / exact);
            y += 0.0173;
        }
        assert!(worst < 1.0e-5, "worst {worst}");
        assert!((exp2(0.0) - 1.0).abs() < 1.0e-6);
        assert!(exp2(f32::NAN).is_finite() && exp2(1.0e9).is_finite() && exp2(-1.0e9) > 0.0);
    }
}
