//! Which clock drives the backing for a block: the host's transport, the free clock at the
//! pattern's own tempo, or none. Plain data in and out, so the rule is tested without a host.

use crate::dsp::backing_player::Clock;

/// What the plugin knows at the start of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockInputs {
    /// The Backing parameter.
    pub enabled: bool,
    /// The Bypass parameter (silences the backing too).
    pub bypass: bool,
    /// The Follow Host parameter.
    pub follow_host: bool,
    /// False in the standalone, whose "transport" is only a sample counter at a fixed tempo.
    pub real_host: bool,
    /// The host's transport: playing, position in quarter notes and tempo, when it says.
    pub host: Option<(bool, f64, f64)>,
    /// The panel's Play (free-running preview).
    pub preview: bool,
    /// The panel asked to start again from bar 1.
    pub restart: bool,
    /// The pattern's tempo in BPM (120 without a pattern).
    pub pattern_tempo: f64,
    /// The plugin's latency in samples (the backing is shifted back by it).
    pub latency: u32,
    /// Sample rate in Hz.
    pub sample_rate: f64,
    /// Samples in the block.
    pub frames: usize,
}

/// The free clock's position between blocks.
#[derive(Debug, Clone, Default)]
pub struct BackingClock {
    free_beat: f64,
    free_running: bool,
}

impl BackingClock {
    /// The clock for this block (and advances the free clock when it runs).
    pub fn next(&mut self, i: ClockInputs) -> Clock {
        let sample_rate = if i.sample_rate.is_finite() && i.sample_rate > 0.0 {
            i.sample_rate
        } else {
            48_000.0
        };
        if !i.enabled || i.bypass {
            self.free_running = false;
            return Clock::Stopped;
        }
        if let (true, true, Some((true, beat, tempo))) = (i.real_host, i.follow_host, i.host) {
            if tempo.is_finite() && tempo > 0.0 && beat.is_finite() {
                self.free_running = false;
                let beats_per_sample = tempo / 60.0 / sample_rate;
                return Clock::Running {
                    beat: beat - f64::from(i.latency) * beats_per_sample,
                    beats_per_sample,
                };
            }
        }
        if i.preview || !i.real_host {
            // A free run starts from bar 1, and again whenever Play asks for it.
            if i.restart || !self.free_running {
                self.free_beat = 0.0;
            }
            self.free_running = true;
            let tempo = if i.pattern_tempo.is_finite() && i.pattern_tempo > 0.0 {
                i.pattern_tempo
            } else {
                120.0
            };
            let beats_per_sample = tempo / 60.0 / sample_rate;
            let beat = self.free_beat;
            self.free_beat += beats_per_sample * i.frames as f64;
            return Clock::Running {
                beat,
                beats_per_sample,
            };
        }
        self.free_running = false;
        Clock::Stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> ClockInputs {
        ClockInputs {
            enabled: true,
            bypass: false,
            follow_host: true,
            real_host: true,
            host: Some((true, 8.0, 120.0)),
            preview: false,
            restart: false,
            pattern_tempo: 70.0,
            latency: 480,
            sample_rate: 48_000.0,
            frames: 512,
        }
    }

    fn beat(c: Clock) -> Option<(f64, f64)> {
        match c {
            Clock::Running {
                beat,
                beats_per_sample,
            } => Some((beat, beats_per_sample * 60.0 * 48_000.0)),
            Clock::Stopped => None,
        }
    }

    #[test]
    fn a_playing_host_drives_it_shifted_by_the_latency() {
        let mut clock = BackingClock::default();
        let (b, tempo) = beat(clock.next(inputs())).expect("running");
        assert!((tempo - 120.0).abs() < 1e-9);
        assert!((b - (8.0 - 480.0 / 24_000.0)).abs() < 1e-12);
        // Off, bypassed, or a stopped host without preview: nothing plays.
        for i in [
            ClockInputs {
                enabled: false,
                ..inputs()
            },
            ClockInputs {
                bypass: true,
                ..inputs()
            },
            ClockInputs {
                host: Some((false, 8.0, 120.0)),
                ..inputs()
            },
            ClockInputs {
                follow_host: false,
                ..inputs()
            },
            ClockInputs {
                host: Some((true, f64::NAN, 120.0)),
                ..inputs()
            },
        ] {
            assert_eq!(clock.next(i), Clock::Stopped, "{i:?}");
        }
    }

    #[test]
    fn preview_and_the_standalone_free_run_at_the_pattern_tempo_from_bar_one() {
        let mut clock = BackingClock::default();
        let preview = ClockInputs {
            host: Some((false, 3.0, 120.0)),
            preview: true,
            ..inputs()
        };
        let (b0, tempo) = beat(clock.next(preview)).expect("running");
        assert_eq!(b0, 0.0);
        assert!((tempo - 70.0).abs() < 1e-9);
        let (b1, _) = beat(clock.next(preview)).expect("running");
        assert!((b1 - 512.0 * 70.0 / 60.0 / 48_000.0).abs() < 1e-12);
        // Play again: back to bar 1.
        let (b2, _) = beat(clock.next(ClockInputs {
            restart: true,
            ..preview
        }))
        .expect("running");
        assert_eq!(b2, 0.0);
        // A playing host wins over the preview when following it.
        let (b3, _) = beat(clock.next(ClockInputs {
            preview: true,
            ..inputs()
        }))
        .expect("running");
        assert!(b3 > 7.9);
        // The standalone ignores its fake transport and runs free whenever Backing is on.
        let standalone = ClockInputs {
            real_host: false,
            ..inputs()
        };
        let (b4, tempo) = beat(clock.next(standalone)).expect("running");
        assert_eq!(b4, 0.0);
        assert!((tempo - 70.0).abs() < 1e-9);
        assert_eq!(
            clock.next(ClockInputs {
                enabled: false,
                ..standalone
            }),
            Clock::Stopped
        );
    }
}
