//! Guards against hosts that send NaN, infinities or denormals: such input becomes silence.

/// Below this magnitude a sample is treated as zero (kills denormals before filters see them).
const DENORMAL_FLOOR: f32 = 1.0e-30;

/// Replaces non-finite samples with 0 and flushes denormals; returns whether anything non-finite
/// was found, so the caller can silence the stretch and reset its state.
#[inline]
pub fn sanitize_block(samples: &mut [f32]) -> bool {
    let mut found_non_finite = false;
    for sample in samples.iter_mut() {
        if !sample.is_finite() {
            *sample = 0.0;
            found_non_finite = true;
        } else if sample.abs() < DENORMAL_FLOOR {
            *sample = 0.0;
        }
    }
    found_non_finite
}

/// Whether every value is finite: `x * 0` is 0 for every finite `x` and NaN for an infinity or
/// a NaN, and zeros add up to zero, so the check is a multiply and an add per value in eight
/// lanes (whole vectors, no compare or mask per value).
#[inline(always)]
pub fn all_finite(values: &[f32]) -> bool {
    let mut lanes = [0.0f32; 8];
    let (chunks, rest) = values.as_chunks::<8>();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane += x * 0.0;
        }
    }
    for (lane, &x) in lanes.iter_mut().zip(rest) {
        *lane += x * 0.0;
    }
    lanes.iter().sum::<f32>() == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_nan_inf_and_denormals() {
        let mut block = [1.0, f32::NAN, f32::INFINITY, -f32::INFINITY, 1.0e-40, -0.5];
        assert!(sanitize_block(&mut block));
        assert_eq!(block, [1.0, 0.0, 0.0, 0.0, 0.0, -0.5]);
        let mut clean = [0.1, -0.2];
        assert!(!sanitize_block(&mut clean));
        assert_eq!(clean, [0.1, -0.2]);
    }

    #[test]
    fn all_finite_finds_any_infinity_or_nan() {
        let mut values: Vec<f32> = (0..37).map(|i| (i as f32 - 18.0) * 1.0e37).collect();
        values.push(f32::MAX);
        values.push(-0.0);
        assert!(all_finite(&values));
        assert!(all_finite(&[]));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for at in [0, 7, 8, 36, 38] {
                let mut with = values.clone();
                with[at] = bad;
                assert!(!all_finite(&with), "{bad} at {at}");
            }
        }
    }
}
