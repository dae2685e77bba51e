//! The humaniser: per-role drifting timing, pocket, velocity shaping and dropouts, all drawn
//! from one random stream in the order the parts are played (drums, bass, chords).

use super::{BackingRequest, PPQ};
use crate::music::data::{self, StyleDef};
use crate::music::rng::Rng;

/// The humaniser: per-role drifting timing, pocket, velocity shaping, ghosts and dropouts.
pub(super) struct Humanizer<'a> {
    style: &'a StyleDef,
    pub(super) complexity: f64,
    vulnerability: f64,
    ticks_per_ms: f64,
    extra_pocket_ms: f64,
    drift: [f64; 7],
    rng: Rng,
}

/// The roles with their own drift, in the order of `Humanizer::drift`.
const ROLES: [&str; 7] = ["kick", "snare", "hat", "crash", "perc", "bass", "chords"];

impl<'a> Humanizer<'a> {
    /// The humaniser for `request` in `style`, drawing from `rng`.
    pub(super) fn new(request: &BackingRequest, style: &'a StyleDef, rng: Rng) -> Humanizer<'a> {
        Humanizer {
            style,
            complexity: request.complexity.clamp(0.0, 1.0),
            vulnerability: request.vulnerability.clamp(0.0, 1.0),
            ticks_per_ms: request.tempo_bpm / 60.0 * PPQ as f64 / 1000.0,
            // An emotional preset's pocket stays within ±40 ms, a feel rather than a delay.
            extra_pocket_ms: request.pocket_ms.clamp(-40.0, 40.0),
            drift: [0.0; 7],
            rng,
        }
    }
}

impl Humanizer<'_> {
    /// The drift slot of `role`; unknown roles share the percussion slot.
    fn role_index(role: &str) -> usize {
        ROLES.iter().position(|r| *r == role).unwrap_or(4)
    }

    /// Offset in ticks for the next hit of `role`: late bias + pocket + drift, kept inside the
    /// style's timing window.
    pub(super) fn offset(&mut self, role: &str) -> f64 {
        let h = &data::grooves().humanizer;
        let i = Self::role_index(role);
        let bound = h.max_drift_ticks * self.complexity;
        // A bounded random walk drifts like a player, where independent jitter would only buzz.
        let step = self.rng.range(-1.0, 1.0) * bound * 0.35;
        self.drift[i] = (self.drift[i] + step).clamp(-bound, bound);
        let multiplier = h.timing_multiplier.get(role).copied().unwrap_or(1.0);
        let pocket_role = if role == "crash" { "hat" } else { role };
        let pocket_ms = self
            .style
            .pocket_ms
            .get(pocket_role)
            .copied()
            .unwrap_or(0.0);
        let bias = h.late_bias_ticks * self.complexity.min(1.0);
        let raw = bias + pocket_ms * self.ticks_per_ms + self.drift[i] * multiplier;
        let [lo, hi] = self.style.timing_ticks;
        raw.clamp(lo as f64, hi as f64) + self.extra_pocket_ms * self.ticks_per_ms
    }

    /// Shapes a base velocity: energy lifts it, vulnerability softens and unevens it.
    pub(super) fn velocity(&mut self, base: f64, energy: f64) -> u8 {
        let h = &data::grooves().humanizer;
        let v = self.vulnerability;
        let spread = 3.0 + 12.0 * v * (0.5 + self.complexity);
        let shaped =
            base * (0.65 + 0.35 * energy) * (1.0 - 0.25 * v) + self.rng.range(-spread, spread);
        shaped
            .clamp(h.velocity_min as f64, h.velocity_max as f64)
            .round() as u8
    }

    /// Whether the next hit of `role` drops out: more often with complexity, less for the
    /// roles the groove table protects.
    pub(super) fn dropped(&mut self, role: &str) -> bool {
        let h = &data::grooves().humanizer;
        let protection = h.protection.get(role).copied().unwrap_or(0.0);
        self.rng
            .chance(h.max_dropout * self.complexity * (1.0 - protection))
    }
}
