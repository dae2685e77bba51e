//! Tests of the formant filter.

use super::*;

#[test]
fn the_share_rises_smoothly_with_f0() {
    assert_eq!(share(150.0, 0.0), 0.0);
    assert_eq!(share(SHARE_FULL_HZ, 0.0), 1.0);
    assert_eq!(share(SHARE_FULL_HZ, -1_200.0), 1.0);
    assert_eq!(share(SHARE_FULL_HZ, 2_400.0), 0.0);
    assert_eq!(share(f32::NAN, 0.0), 0.0);
    let mut last = 0.0;
    for hz in 180..260 {
        let s = share(hz as f32, 0.0);
        assert!(s >= last && s - last < 0.05, "{hz}: {s}");
        last = s;
    }
}

#[test]
fn the_parallel_form_is_the_cascade() {
    let pairs = [
        Pair::moved(
            Resonance {
                frequency: 400.0,
                bandwidth: 200.0,
            },
            0.84,
            48_000.0,
        ),
        Pair::moved(
            Resonance {
                frequency: 2_000.0,
                bandwidth: 200.0,
            },
            0.84,
            48_000.0,
        ),
        Pair::moved(
            Resonance {
                frequency: 2_900.0,
                bandwidth: 250.0,
            },
            0.84,
            48_000.0,
        ),
    ];
    let parallel = Parallel::from_cascade(&pairs, 0.7);
    for hz in [100.0, 350.0, 1_700.0, 2_500.0, 9_000.0] {
        let omega = std::f64::consts::TAU * hz / 48_000.0;
        let z = Complex::from_polar(1.0, omega);
        let cascade: Complex<f64> = pairs
            .iter()
            .map(|p| {
                let (n, d) = p.at(z);
                n / d
            })
            .product::<Complex<f64>>()
            * 0.7;
        let w = z.inv();
        let mut sum = Complex::new(parallel.direct, 0.0);
        for k in 0..SECTIONS {
            sum += (w * parallel.b1[k] + parallel.b0[k])
                / (Complex::new(1.0, 0.0) + w * (parallel.d1[k] + w * parallel.d2[k]));
        }
        assert!(
            (sum - cascade).norm() < 1.0e-9 * cascade.norm(),
            "{hz}: {sum} {cascade}"
        );
    }
}

#[test]
fn without_a_ratio_the_filter_passes_its_input() {
    let mut marks = PitchMarks::default();
    marks.prepare(48_000.0, 480);
    let mut filter = FormantFilter::default();
    filter.prepare(48_000.0, 480);
    filter.set_target(Some(100.0), 100.0, 1.0);
    let mut trace = [None; crate::dsp::pitch_marks::MAX_RUN];
    for block in 0..20 {
        let input: Vec<f32> = (0..64)
            .map(|i| ((block * 64 + i) as f32 * 0.1).sin())
            .collect();
        marks.push_run(&input, Some(100.0), &mut trace);
        let mut out = input.clone();
        filter.process_run(&marks, &mut out);
        assert_eq!(out, input);
    }
}
