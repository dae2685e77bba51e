//! Where a note lands in time: the style's (or the request's) swing, the tempo-fluctuation
//! wobble of a rule-break, and the swing warp itself (see the module above for its meaning).

use super::{BackingRequest, GrooveTemplate, STEP_TICKS};
use crate::music::data::StyleDef;

/// Where a note lands: its nominal tick plus swing, humanising and the groove template.
pub(super) struct Timing {
    pub(super) swing: f64,
    unit: u32,
    tpb: u32,
    fluctuation_ticks: f64,
}

impl Timing {
    /// The timing of `request` in `style` with `tpb` ticks per bar: the swing asked for (or
    /// the style's), raised to a fluctuation template's minimum, and that template's wobble.
    pub(super) fn new(request: &BackingRequest, style: &StyleDef, tpb: u32) -> Timing {
        let mut swing = request.swing.unwrap_or(style.swing).clamp(0.0, 0.67);
        let mut fluctuation_ticks = 0.0;
        if let GrooveTemplate::Fluctuation {
            depth_bpm,
            swing: min_swing,
            ..
        } = &request.groove
        {
            swing = swing.max(*min_swing);
            // Integrating a sine tempo deviation of depth d over one bar gives a position
            // wobble of bar * (d / bpm) / 2π ticks.
            fluctuation_ticks =
                tpb as f64 * (depth_bpm / request.tempo_bpm) / std::f64::consts::TAU;
        }
        Timing {
            swing,
            unit: swing_unit(style),
            tpb,
            fluctuation_ticks,
        }
    }

    /// The tick of a note at `pos` ticks into `bar`, humanised by `offset` ticks.
    pub(super) fn place(&self, bar: u32, pos: u32, offset: f64) -> f64 {
        let swung = swing_warp(pos, self.unit, self.swing);
        let phase = pos as f64 / self.tpb as f64 * std::f64::consts::TAU;
        (bar * self.tpb) as f64 + swung + offset - self.fluctuation_ticks * phase.sin()
    }
}

/// Ticks of one swing unit: an eighth for styles that swing eighths, else a sixteenth.
fn swing_unit(style: &StyleDef) -> u32 {
    if style.swing_unit == "eighth" {
        2 * STEP_TICKS
    } else {
        STEP_TICKS
    }
}

/// Warps a tick inside its bar by the swing definition above.
fn swing_warp(pos_in_bar: u32, unit: u32, swing: f64) -> f64 {
    let pair = 2 * unit;
    let base = (pos_in_bar / pair * pair) as f64;
    let x = (pos_in_bar % pair) as f64;
    let u = unit as f64;
    let r = u * (1.0 + swing / 2.0);
    let warped = if x < u {
        x * r / u
    } else {
        r + (x - u) * (2.0 * u - r) / u
    };
    base + warped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swing_definition_holds() {
        // Straight: nothing moves. Triplet (2/3): the off-beat eighth sits at 2/3 of the beat.
        assert_eq!(swing_warp(240, 240, 0.0), 240.0);
        let triplet = swing_warp(240, 240, 2.0 / 3.0);
        assert!((triplet - 320.0).abs() < 1e-9, "{triplet}");
        assert!((swing_warp(240, 240, 0.67) - 320.4).abs() < 1e-9);
        // Downbeats stay put and the warp is monotonic.
        assert_eq!(swing_warp(480, 240, 0.6), 480.0);
        let mut last = -1.0;
        for pos in (0..1920).step_by(60) {
            let w = swing_warp(pos, 120, 0.5);
            assert!(w > last);
            last = w;
        }
    }
}
