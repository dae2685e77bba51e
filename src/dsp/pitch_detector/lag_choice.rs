//! The coarse search's lag choice: the narrow search on a confirmed period, YIN's first dip
//! within a margin of the deepest, and the octave hold.

use super::difference::{correlate_directly, normalise_differences};
use super::{
    PitchDetector, CONFIRMED_DEPTH, NARROW_EXTRA, NARROW_REACH, OCTAVE_HOLD_LIMIT,
    OCTAVE_JUMP_FRAMES, RELATIVE_MARGIN, RELATIVE_RATIO, YIN_THRESHOLD,
};

impl PitchDetector {
    /// The coarse search on a hop whose period is confirmed: while the previous frame was
    /// voiced, the difference function is computed directly for the lags up to a little past
    /// the previous period only (a fraction of the full search's FFTs), and its first dip is
    /// taken if it is the one the full search would pick: no deeper than `CONFIRMED_DEPTH`,
    /// with no earlier dip the full search could accept instead. Otherwise (`None`) the full
    /// search runs: after silence or `clear`, on a leap down beyond the narrow range, on a
    /// breathy stretch. A leap up is found here, in the same hop as by the full search.
    pub(super) fn pick_confirmed_lag(&mut self) -> Option<usize> {
        if !self.narrow_search || !self.previous.is_voiced() {
            return None;
        }
        let previous_lag = self.coarse_rate / self.previous.f0;
        let reach = (previous_lag * NARROW_REACH).ceil() as usize + NARROW_EXTRA;
        // The lags searched, and one more for the last one's neighbour; the octave hold reads
        // up to four lags past the previous period, within `NARROW_EXTRA`.
        let last = reach.max(previous_lag.round() as usize + NARROW_EXTRA) + 1;
        if last > self.tau_max {
            return None;
        }
        // First the lags up to the previous period and the octave hold's reach (in whole passes
        // of eight lags): the usual hop's dip is among them, and then the lags past them are
        // never read. The rest only when no dip deep enough lies among the first.
        let near = ((previous_lag.round() as usize + NARROW_EXTRA) | 7).min(last);
        self.narrow_differences(0, near);
        let mut dip = self.first_deep_dip(near - 1);
        if dip.is_none() && near < last {
            self.narrow_differences(near + 1, last);
            dip = self.first_deep_dip(last - 1);
        }
        let tau = dip.filter(|&tau| self.uncontested(tau));
        #[cfg(test)]
        {
            self.narrow_hops += usize::from(tau.is_some());
        }
        tau
    }

    /// The narrow search's correlations for lags `first..=last` (those below already there),
    /// then the normalised differences up to `last`.
    fn narrow_differences(&mut self, first: usize, last: usize) {
        let w = self.coarse_window;
        self.extend_energy_prefix(last + w);
        correlate_directly(
            &self.segment,
            w,
            &mut self.direct[..=last],
            first,
            self.wide,
        );
        normalise_differences(
            &mut self.cmndf,
            &self.energy_prefix,
            w,
            &self.direct,
            1.0,
            last,
            self.wide,
        );
    }

    /// The first local minimum up to lag `last` no deeper than `CONFIRMED_DEPTH` (reads the
    /// differences up to `last + 1`).
    fn first_deep_dip(&self, last: usize) -> Option<usize> {
        (self.tau_min..=last)
            .find(|&tau| self.is_local_min(tau) && self.dip_depth(tau) <= CONFIRMED_DEPTH)
    }

    /// Whether every minimum before the dip at `tau` is shallower than the full search's limit
    /// could ever be for it: then the full search (`pick_lag`) picks that dip too, whatever
    /// its global minimum beyond the lags searched is (that minimum is at most this dip's
    /// depth, and the limit grows with it).
    fn uncontested(&self, tau: usize) -> bool {
        let depth = self.dip_depth(tau);
        let limit = (depth * RELATIVE_RATIO).max(depth + RELATIVE_MARGIN);
        !(self.tau_min..tau)
            .any(|earlier| self.is_local_min(earlier) && self.dip_depth(earlier) <= limit)
    }

    /// YIN step 4 with a relative threshold: the first local minimum whose aperiodicity is
    /// close enough to the global minimum. A fixed absolute threshold fails both ways on real
    /// voices: jitter can lift the true period over it (octave too low) and a vowel whose first
    /// formant sits on the second harmonic can pull half the period under it (octave too high).
    pub(super) fn pick_lag(&self) -> Option<usize> {
        // Local minima, judged by their interpolated depth: on the coarse grid the true period
        // falls between samples, and the sampled value can overstate the dip badly.
        let mut global: Option<(usize, f32)> = None;
        for tau in self.tau_min..=self.tau_max {
            if self.is_local_min(tau) {
                let depth = self.dip_depth(tau);
                if global.is_none_or(|(_, best)| depth < best) {
                    global = Some((tau, depth));
                }
            }
        }
        let (global_tau, global_depth) = global?;
        let limit = (global_depth * RELATIVE_RATIO)
            .max(global_depth + RELATIVE_MARGIN)
            .min(YIN_THRESHOLD.max(global_depth));
        (self.tau_min..=self.tau_max)
            .find(|&tau| self.is_local_min(tau) && self.dip_depth(tau) <= limit)
            .or(Some(global_tau))
    }

    /// An octave jump between frames is believed only once it has lasted a few frames, as long
    /// as the previous octave is still periodic: single-frame octave flips in glides and on
    /// formant-boosted harmonics are the most audible detector error.
    pub(super) fn hold_octave(&mut self, picked: usize) -> usize {
        if !self.previous.is_voiced() {
            self.octave_jump_frames = 0;
            return picked;
        }
        let previous_lag = self.coarse_rate / self.previous.f0;
        let ratio = picked as f32 / previous_lag;
        let jumped = (ratio - 2.0).abs() < 0.15 || (ratio - 0.5).abs() < 0.04;
        if !jumped {
            self.octave_jump_frames = 0;
            return picked;
        }
        self.octave_jump_frames += 1;
        if self.octave_jump_frames >= OCTAVE_JUMP_FRAMES {
            self.octave_jump_frames = 0;
            return picked;
        }
        let centre = previous_lag.round() as usize;
        let lo = centre.saturating_sub(3).max(self.tau_min);
        let hi = (centre + 3).min(self.tau_max);
        (lo..=hi)
            .filter(|&t| self.is_local_min(t) && self.dip_depth(t) < OCTAVE_HOLD_LIMIT)
            .min_by(|&a, &b| self.dip_depth(a).total_cmp(&self.dip_depth(b)))
            .unwrap_or(picked)
    }

    pub(super) fn is_local_min(&self, tau: usize) -> bool {
        let value = self.cmndf[tau];
        (tau == 0 || value <= self.cmndf[tau - 1])
            && (tau + 1 >= self.cmndf.len() || value <= self.cmndf[tau + 1])
    }

    /// The depth of the dip at `tau` after a parabolic fit through its neighbours.
    pub(super) fn dip_depth(&self, tau: usize) -> f32 {
        if tau == 0 || tau + 1 >= self.cmndf.len() {
            return self.cmndf[tau];
        }
        let (a, b, c) = (self.cmndf[tau - 1], self.cmndf[tau], self.cmndf[tau + 1]);
        let curvature = a - 2.0 * b + c;
        if curvature <= 0.0 {
            return b;
        }
        (b - (a - c) * (a - c) / (8.0 * curvature)).max(0.0)
    }
}
