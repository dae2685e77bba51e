//! A held note's centre and vibrato, by least squares: pitch = centre + drift * t + a sinusoid.
//!
//! A note with vibrato rarely holds a whole number of cycles, so its median (or mean) lies up
//! to depth / (pi * cycles) away from the pitch a listener hears (a 0.6 s note with 50 cents of
//! vibrato at 5.5 Hz: about 5 cents). Fitting the sinusoid removes that bias and measures the
//! vibrato at the same time.

/// Vibrato rates searched, in Hz: singers' vibrato lies in 4-8 Hz; the margins keep a slow or
/// fast one from being reported at the edge of the search.
const RATE_MIN_HZ: f32 = 3.5;
/// Upper end of the rate search.
const RATE_MAX_HZ: f32 = 9.0;
/// Rate step of the search; the best step is refined by parabolic interpolation.
const RATE_STEP_HZ: f32 = 0.1;
/// A sinusoid shallower than this (cents, peak) is not called vibrato: pitch wobble of a few
/// cents is inaudible as vibrato and detector noise produces it.
const MIN_DEPTH_CENTS: f32 = 8.0;
/// Cycles a note must hold for its vibrato to be measured: fewer do not fix a rate.
const MIN_CYCLES: f32 = 1.5;
/// The sinusoid must remove at least this share of what the drift line leaves, or the wobble
/// is noise rather than a periodic vibrato.
const MIN_EXPLAINED: f32 = 0.5;

/// A periodic pitch oscillation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vibrato {
    /// Rate in Hz.
    pub rate_hz: f32,
    /// Depth in cents, peak (half the peak-to-peak swing).
    pub depth_cents: f32,
}

/// What the fit found in one note.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchFit {
    /// The note's centre as a fractional MIDI pitch (vibrato and drift removed when there is
    /// vibrato; the median otherwise).
    pub centre: f32,
    /// The vibrato, when there is one.
    pub vibrato: Option<Vibrato>,
    /// Root-mean-square of what the fit leaves, in cents: how unsteady the note is.
    pub residual_cents: f32,
    /// The fitted drift across the note, in semitones per second.
    pub drift_st_per_s: f32,
}

/// Least-squares fit of `centre + drift * t [+ a sin + b cos]` at one rate.
struct Fit {
    coefficients: [f64; 4],
    squared_error: f64,
}

/// Fits the model to `pitch` (fractional MIDI) at `times`, with a sinusoid at `rate_hz` when
/// given. `None` when the system is singular (too few points).
fn fit_at(times: &[f64], pitch: &[f32], t0: f64, rate_hz: Option<f32>) -> Option<Fit> {
    let size = if rate_hz.is_some() { 4 } else { 2 };
    let basis = |t: f64| -> [f64; 4] {
        let x = t - t0;
        match rate_hz {
            Some(rate) => {
                let w = std::f64::consts::TAU * rate as f64 * x;
                [1.0, x, w.sin(), w.cos()]
            }
            None => [1.0, x, 0.0, 0.0],
        }
    };
    let mut normal = [[0.0f64; 5]; 4];
    for (&t, &p) in times.iter().zip(pitch) {
        let b = basis(t);
        for r in 0..size {
            for c in 0..size {
                normal[r][c] += b[r] * b[c];
            }
            normal[r][4] += b[r] * p as f64;
        }
    }
    let coefficients = solve(&mut normal, size)?;
    let squared_error = times
        .iter()
        .zip(pitch)
        .map(|(&t, &p)| {
            let b = basis(t);
            let model: f64 = (0..size).map(|i| b[i] * coefficients[i]).sum();
            (p as f64 - model).powi(2)
        })
        .sum();
    Some(Fit {
        coefficients,
        squared_error,
    })
}

/// Gaussian elimination with partial pivoting on an augmented `size` x `size` system.
fn solve(m: &mut [[f64; 5]; 4], size: usize) -> Option<[f64; 4]> {
    for col in 0..size {
        let pivot = (col..size).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (index, row) in m.iter_mut().enumerate().take(size) {
            if index != col {
                let factor = row[col] / pivot_row[col];
                for (value, p) in row[col..size].iter_mut().zip(&pivot_row[col..size]) {
                    *value -= factor * p;
                }
                row[4] -= factor * pivot_row[4];
            }
        }
    }
    let mut x = [0.0; 4];
    for (i, value) in x.iter_mut().enumerate().take(size) {
        *value = m[i][4] / m[i][i];
    }
    Some(x)
}

/// The median of `values` (which it reorders); 0 when empty.
pub fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f32::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        0.5 * (values[mid - 1] + values[mid])
    }
}

/// The centre, vibrato and steadiness of one note's pitch (fractional MIDI at `times`, in
/// order). Expects at least one point; returns a zero fit for none.
pub fn fit_note(times: &[f64], pitch: &[f32]) -> PitchFit {
    let mut sorted = pitch.to_vec();
    let median_pitch = median(&mut sorted);
    let plain = PitchFit {
        centre: median_pitch,
        vibrato: None,
        residual_cents: 0.0,
        drift_st_per_s: 0.0,
    };
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return plain;
    };
    let t0 = 0.5 * (first + last);
    let duration = (last - first) as f32;
    let Some(line) = fit_at(times, pitch, t0, None) else {
        return plain;
    };
    let rms = |squared_error: f64| 100.0 * (squared_error / times.len() as f64).sqrt() as f32;
    let plain = PitchFit {
        residual_cents: rms(line.squared_error),
        drift_st_per_s: line.coefficients[1] as f32,
        ..plain
    };
    let steps = ((RATE_MAX_HZ - RATE_MIN_HZ) / RATE_STEP_HZ).round() as usize;
    let errors: Vec<(f32, f64)> = (0..=steps)
        .map(|i| RATE_MIN_HZ + i as f32 * RATE_STEP_HZ)
        .filter(|rate| duration * rate >= MIN_CYCLES)
        .filter_map(|rate| fit_at(times, pitch, t0, Some(rate)).map(|f| (rate, f.squared_error)))
        .collect();
    let Some(best) = (0..errors.len()).min_by(|&a, &b| errors[a].1.total_cmp(&errors[b].1)) else {
        return plain;
    };
    let rate = refine_rate(&errors, best);
    let Some(fit) = fit_at(times, pitch, t0, Some(rate)) else {
        return plain;
    };
    let [centre, drift, a, b] = fit.coefficients;
    let depth_cents = 100.0 * (a * a + b * b).sqrt() as f32;
    let explained = 1.0 - fit.squared_error / line.squared_error.max(1e-12);
    if depth_cents < MIN_DEPTH_CENTS || (explained as f32) < MIN_EXPLAINED {
        return plain;
    }
    PitchFit {
        centre: centre as f32,
        vibrato: Some(Vibrato {
            rate_hz: rate,
            depth_cents,
        }),
        residual_cents: rms(fit.squared_error),
        drift_st_per_s: drift as f32,
    }
}

/// The rate at the minimum of a parabola through the best step and its neighbours.
fn refine_rate(errors: &[(f32, f64)], best: usize) -> f32 {
    if best == 0 || best + 1 >= errors.len() {
        return errors[best].0;
    }
    let (e0, e1, e2) = (errors[best - 1].1, errors[best].1, errors[best + 1].1);
    let curvature = e0 - 2.0 * e1 + e2;
    if curvature <= 0.0 {
        return errors[best].0;
    }
    let offset = (0.5 * (e0 - e2) / curvature).clamp(-0.5, 0.5) as f32;
    errors[best].0 + offset * RATE_STEP_HZ
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(seconds: f64, centre: f32, depth_cents: f32, rate_hz: f32) -> (Vec<f64>, Vec<f32>) {
        let times: Vec<f64> = (0..(seconds / 0.005) as usize)
            .map(|i| i as f64 * 0.005)
            .collect();
        let pitch = times
            .iter()
            .map(|&t| {
                centre
                    + depth_cents / 100.0 * (std::f32::consts::TAU * rate_hz * t as f32 + 0.7).sin()
            })
            .collect();
        (times, pitch)
    }

    #[test]
    fn measures_vibrato_rate_depth_and_an_unbiased_centre() {
        for (rate, depth) in [(4.5, 30.0), (5.5, 50.0), (7.0, 20.0)] {
            // 0.63 s at 5.5 Hz is 3.5 cycles: the median would be off by several cents.
            let (times, pitch) = note(0.63, 60.17, depth, rate);
            let fit = fit_note(&times, &pitch);
            let vibrato = fit.vibrato.expect("vibrato found");
            assert!((vibrato.rate_hz - rate).abs() < 0.1, "{vibrato:?}");
            assert!((vibrato.depth_cents - depth).abs() < 2.0, "{vibrato:?}");
            assert!((fit.centre - 60.17).abs() < 0.01, "{}", fit.centre);
        }
    }

    #[test]
    fn a_steady_note_has_no_vibrato_and_its_median_centre() {
        let (times, pitch) = note(0.5, 57.77, 0.0, 5.0);
        let fit = fit_note(&times, &pitch);
        assert!(fit.vibrato.is_none());
        assert!((fit.centre - 57.77).abs() < 1e-4);
        let (times, pitch) = note(0.5, 57.0, 4.0, 5.0);
        assert!(
            fit_note(&times, &pitch).vibrato.is_none(),
            "4 cents is no vibrato"
        );
    }

    #[test]
    fn empty_and_tiny_notes_do_not_panic() {
        let fit = fit_note(&[], &[]);
        assert!(fit.vibrato.is_none());
        let fit = fit_note(&[0.0], &[60.0]);
        assert_eq!(fit.centre, 60.0);
    }
}
