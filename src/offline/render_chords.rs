//! Chord charts for `daiw render --chords "C G Am F" --tempo 100`: one chord per 4/4 bar, or
//! `SYMBOL:BARS` for longer ones ("C:2 G:2"), `|` allowed as a bar line. The chart loops for
//! as long as the audio lasts, like the plugin's backing pattern.

use thiserror::Error;

use crate::dsp::harmony::chord_track::ChordTones;
use crate::music::theory::{Chord, Key, ScaleKind};

/// Longest a single chord may last in bars (a longer chart is a typo, not music).
const MAX_BARS_PER_CHORD: u32 = 64;
/// Beats in a bar (the chart is read in 4/4, as the backing generator writes).
const BEATS_PER_BAR: f64 = 4.0;

/// What can be wrong with a chord chart.
#[derive(Debug, Error, PartialEq)]
pub enum ChartError {
    /// No chords at all.
    #[error("--chords is empty")]
    Empty,
    /// A symbol the theory code does not read.
    #[error("--chords: '{0}' is not a chord symbol (try C, Am, F#m7b5, Bbmaj7, G7sus4)")]
    Symbol(String),
    /// A bar count that is not 1..=64.
    #[error("--chords: '{0}' needs a bar count from 1 to {MAX_BARS_PER_CHORD} after the colon")]
    Bars(String),
}

/// A parsed chart: chords with their length in bars.
#[derive(Debug, Clone, PartialEq)]
pub struct ChordChart {
    /// (chord, bars), in order.
    pub chords: Vec<(Chord, u32)>,
}

impl ChordChart {
    /// Reads a chart ("C G Am F", "C:2 G:2", "Am | F | C | G").
    pub fn parse(text: &str) -> Result<Self, ChartError> {
        let mut chords = Vec::new();
        for token in text
            .split(|c: char| c.is_whitespace() || c == '|' || c == ',')
            .filter(|t| !t.is_empty())
        {
            let (symbol, bars) = match token.split_once(':') {
                Some((symbol, bars)) => {
                    let bars = bars
                        .parse::<u32>()
                        .ok()
                        .filter(|b| (1..=MAX_BARS_PER_CHORD).contains(b))
                        .ok_or_else(|| ChartError::Bars(token.to_string()))?;
                    (symbol, bars)
                }
                None => (token, 1),
            };
            let chord = symbol
                .parse::<Chord>()
                .map_err(|_| ChartError::Symbol(symbol.to_string()))?;
            chords.push((chord, bars));
        }
        if chords.is_empty() {
            return Err(ChartError::Empty);
        }
        Ok(Self { chords })
    }

    /// A key for a chart given none: the first chord's root, minor when that chord is.
    pub fn implied_key(&self) -> Key {
        let (first, _) = self.chords[0];
        let scale = if first.quality.is_minor() {
            ScaleKind::Minor
        } else {
            ScaleKind::Major
        };
        Key::new(first.root, scale)
    }

    /// Every chord change over `frames` samples at `tempo_bpm` and `sample_rate`, as (sample,
    /// chord), the first at sample 0, the chart repeated to the end.
    pub fn changes(
        &self,
        key: Key,
        tempo_bpm: f64,
        sample_rate: f64,
        frames: usize,
    ) -> Vec<(usize, ChordTones)> {
        let samples_per_bar = BEATS_PER_BAR * 60.0 / tempo_bpm * sample_rate;
        let tones: Vec<(ChordTones, u32)> = self
            .chords
            .iter()
            .map(|&(chord, bars)| (ChordTones::new(chord, key), bars))
            .collect();
        let mut changes = Vec::new();
        let mut bar = 0u64;
        'chart: loop {
            for &(chord, bars) in &tones {
                let start = (bar as f64 * samples_per_bar).round() as usize;
                if start >= frames.max(1) {
                    break 'chart;
                }
                if changes.last().map(|&(_, c)| c) != Some(chord) {
                    changes.push((start, chord));
                }
                bar += u64::from(bars);
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chord_per_bar_or_as_many_bars_as_written() {
        let chart = ChordChart::parse("C G:2 | Am F").expect("chart");
        let bars: Vec<u32> = chart.chords.iter().map(|c| c.1).collect();
        assert_eq!(bars, [1, 2, 1, 1]);
        assert_eq!(chart.chords[2].0.to_string(), "Am");
        assert_eq!(chart.implied_key().to_string(), "C major");
        // 120 BPM at 1 kHz: a bar is 2,000 samples; the chart (5 bars) loops.
        let key = chart.implied_key();
        let starts: Vec<usize> = chart
            .changes(key, 120.0, 1_000.0, 12_000)
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(starts, [0, 2_000, 6_000, 8_000, 10_000]);
    }

    #[test]
    fn bad_charts_are_refused_with_the_reason() {
        assert_eq!(ChordChart::parse("  "), Err(ChartError::Empty));
        assert_eq!(
            ChordChart::parse("C Hm"),
            Err(ChartError::Symbol("Hm".into()))
        );
        assert_eq!(
            ChordChart::parse("C:0"),
            Err(ChartError::Bars("C:0".into()))
        );
        assert_eq!(
            ChordChart::parse("C:x"),
            Err(ChartError::Bars("C:x".into()))
        );
        assert_eq!(
            ChordChart::parse("Am").map(|c| c.implied_key().to_string()),
            Ok("A minor".into())
        );
    }
}
