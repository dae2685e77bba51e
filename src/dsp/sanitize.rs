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
}
