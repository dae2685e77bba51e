//! The note segmenter fed point by point, for live use off the audio thread (the plugin's
//! analysis frames): notes come out when the voice stops (a consonant or breath ends the voiced
//! run), or, in a long unbroken legato, every `MAX_RUN_S` with the last note held back.

use super::notes::{notes_in_run, Run, SungNote, BRIDGE_S};
use super::PitchPoint;

/// Longest voiced run kept before its finished notes are let out: bounds memory and the delay
/// of a note in a long legato line.
const MAX_RUN_S: f64 = 8.0;
/// Weight of the newest spacing in the running hop estimate.
const HOP_SMOOTHING: f64 = 0.1;

/// Incremental note segmentation with bounded memory.
#[derive(Debug, Clone)]
pub struct NoteTracker {
    run: Run,
    hop: f64,
    last_time: Option<f64>,
}

impl Default for NoteTracker {
    fn default() -> Self {
        Self {
            run: Run::default(),
            hop: 0.005,
            last_time: None,
        }
    }
}

impl NoteTracker {
    /// Adds one analysis hop; returns the notes it finished (usually none; the returned `Vec`
    /// allocates only when there are some).
    pub fn push(&mut self, point: PitchPoint) -> Vec<SungNote> {
        if !point.time_s.is_finite() {
            return Vec::new();
        }
        if let Some(last) = self.last_time {
            let step = point.time_s - last;
            if step > 0.0 && step < 0.05 {
                self.hop += HOP_SMOOTHING * (step - self.hop);
            }
        }
        self.last_time = Some(point.time_s);
        let mut finished = Vec::new();
        if let Some(&last_voiced) = self.run.times.last() {
            let step = point.time_s - last_voiced;
            let broken = !(0.0..=BRIDGE_S + 0.5 * self.hop).contains(&step);
            if broken {
                finished = self.finish();
            }
        }
        if let Some(midi) = point.midi() {
            self.run.times.push(point.time_s);
            self.run.pitch.push(midi);
            if self.run.times.len() as f64 * self.hop >= MAX_RUN_S {
                finished.extend(self.release_all_but_last());
            }
        }
        finished
    }

    /// Ends the current voiced run and returns its notes (at the end of a take).
    pub fn finish(&mut self) -> Vec<SungNote> {
        let notes = self.segment();
        self.run.times.clear();
        self.run.pitch.clear();
        notes
    }

    /// The notes of the voiced run in progress as they stand now (the last may still grow).
    pub fn pending(&self) -> Vec<SungNote> {
        self.segment()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.run.times.clear();
        self.run.pitch.clear();
        self.last_time = None;
    }

    fn segment(&self) -> Vec<SungNote> {
        if self.run.times.is_empty() {
            return Vec::new();
        }
        notes_in_run(&self.run, self.hop, super::notes::NoteNames::Chromatic)
    }

    /// Lets out all notes of an over-long run but the last, which may still be sounding; its
    /// frames stay. A run that is one long note is let out whole.
    fn release_all_but_last(&mut self) -> Vec<SungNote> {
        let mut notes = self.segment();
        let Some(last) = notes.pop().filter(|_| !notes.is_empty()) else {
            notes.extend(self.finish());
            return notes;
        };
        let keep_from = self
            .run
            .times
            .iter()
            .position(|&t| t >= last.start_s)
            .unwrap_or(self.run.times.len());
        self.run.times.drain(..keep_from);
        self.run.pitch.drain(..keep_from);
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::listen::notes::segment_notes;

    fn track(notes: &[(f32, f64, f64)]) -> Vec<PitchPoint> {
        // (midi, start, end) held notes; unvoiced between them.
        let end = notes.iter().map(|n| n.2).fold(0.0, f64::max) + 0.2;
        (0..(end / 0.005) as usize)
            .map(|i| {
                let t = i as f64 * 0.005;
                let sung = notes.iter().find(|n| t >= n.1 && t < n.2);
                PitchPoint {
                    time_s: t,
                    f0_hz: sung.map_or(0.0, |n| 440.0 * ((n.0 - 69.0) / 12.0).exp2()),
                    voiced: sung.is_some(),
                }
            })
            .collect()
    }

    #[test]
    fn live_notes_match_the_file_segmentation() {
        let points = track(&[(60.0, 0.1, 0.6), (62.1, 0.7, 1.2), (64.0, 1.3, 2.0)]);
        let mut tracker = NoteTracker::default();
        let mut live: Vec<SungNote> = points.iter().flat_map(|&p| tracker.push(p)).collect();
        live.extend(tracker.finish());
        let file = segment_notes(&points, None);
        assert_eq!(live.len(), 3);
        assert_eq!(file.len(), 3);
        for (a, b) in live.iter().zip(&file) {
            // The live hop is a running estimate: times agree to well under a hop.
            assert!((a.start_s - b.start_s).abs() < 1e-6 && (a.end_s - b.end_s).abs() < 1e-6);
            assert_eq!((a.midi, a.cents), (b.midi, b.cents));
        }
    }

    #[test]
    fn a_long_legato_line_is_released_with_bounded_memory() {
        // 40 s of unbroken legato steps, 0.5 s each.
        let points: Vec<PitchPoint> = (0..8_000)
            .map(|i| {
                let t = i as f64 * 0.005;
                let midi = 60.0 + ((t / 0.5) as i32 % 5) as f32;
                PitchPoint {
                    time_s: t,
                    f0_hz: 440.0 * ((midi - 69.0) / 12.0).exp2(),
                    voiced: true,
                }
            })
            .collect();
        let mut tracker = NoteTracker::default();
        let mut count = 0;
        for &p in &points {
            count += tracker.push(p).len();
            assert!(tracker.run.times.len() as f64 * 0.005 <= MAX_RUN_S + 0.01);
        }
        count += tracker.finish().len();
        assert!((78..=82).contains(&count), "{count} notes");
    }
}
