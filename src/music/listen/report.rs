//! How in tune a take was: shares of notes within 10 and 25 cents, the worst notes, and one
//! sentence the assistant can say ("18 of 22 notes within 25 cents; worst: F#4 at 12.3 s, 38
//! cents flat").

use serde::Serialize;

use super::midi_note_name;
use super::notes::SungNote;
use crate::music::theory::Key;

/// Within this many cents a note is in tune to a trained ear.
pub const TIGHT_CENTS: f32 = 10.0;
/// Within this many cents a note passes as in tune to most listeners.
pub const LOOSE_CENTS: f32 = 25.0;
/// How many of the worst notes a report lists.
const WORST_LISTED: usize = 3;

/// One badly tuned note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OffNote {
    /// Onset in seconds.
    pub time_s: f64,
    /// The note meant ("F#4").
    pub name: String,
    /// Deviation in cents (+ sharp, - flat).
    pub cents: f32,
}

impl OffNote {
    /// "sharp" or "flat".
    pub fn direction(&self) -> &'static str {
        if self.cents >= 0.0 {
            "sharp"
        } else {
            "flat"
        }
    }
}

/// The tuning of a take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TakeReport {
    /// Notes sung.
    pub notes: usize,
    /// Notes within `TIGHT_CENTS`.
    pub within_10_cents: usize,
    /// Notes within `LOOSE_CENTS`.
    pub within_25_cents: usize,
    /// Share of notes within `TIGHT_CENTS` (0..1; 0 without notes).
    pub share_within_10_cents: f32,
    /// Share of notes within `LOOSE_CENTS` (0..1; 0 without notes).
    pub share_within_25_cents: f32,
    /// The worst notes beyond `TIGHT_CENTS`, worst first (at most three).
    pub worst: Vec<OffNote>,
    /// One sentence for the assistant.
    pub summary: String,
}

impl TakeReport {
    /// The report of `notes`, whose cents are measured from the note meant (segment with the
    /// key when it is known); `key` spells the note names.
    pub fn from_notes(notes: &[SungNote], key: Option<Key>) -> Self {
        let count_within = |limit: f32| notes.iter().filter(|n| n.cents.abs() <= limit).count();
        let within_10_cents = count_within(TIGHT_CENTS);
        let within_25_cents = count_within(LOOSE_CENTS);
        let share = |n: usize| {
            if notes.is_empty() {
                0.0
            } else {
                n as f32 / notes.len() as f32
            }
        };
        let mut off: Vec<&SungNote> = notes
            .iter()
            .filter(|n| n.cents.abs() > TIGHT_CENTS)
            .collect();
        off.sort_by(|a, b| b.cents.abs().total_cmp(&a.cents.abs()));
        let worst: Vec<OffNote> = off
            .into_iter()
            .take(WORST_LISTED)
            .map(|n| OffNote {
                time_s: n.start_s,
                name: midi_note_name(n.midi, key),
                cents: n.cents,
            })
            .collect();
        let summary = summarize(notes.len(), within_25_cents, worst.first());
        Self {
            notes: notes.len(),
            within_10_cents,
            within_25_cents,
            share_within_10_cents: share(within_10_cents),
            share_within_25_cents: share(within_25_cents),
            worst,
            summary,
        }
    }
}

fn summarize(notes: usize, within_25_cents: usize, worst: Option<&OffNote>) -> String {
    if notes == 0 {
        return "No sung notes heard.".to_string();
    }
    let plural = if notes == 1 { "note" } else { "notes" };
    let head = format!("{within_25_cents} of {notes} {plural} within {LOOSE_CENTS:.0} cents");
    match worst {
        Some(w) => format!(
            "{head}; worst: {} at {:.1} s, {:.0} cents {}",
            w.name,
            w.time_s,
            w.cents.abs(),
            w.direction()
        ),
        None => format!("{head}; all within {TIGHT_CENTS:.0} cents"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(start_s: f64, midi: u8, cents: f32) -> SungNote {
        SungNote {
            start_s,
            end_s: start_s + 0.4,
            midi,
            cents,
            vibrato_hz: None,
            vibrato_cents: None,
            pitch: midi as f32 + cents / 100.0,
            unsteadiness_cents: 3.0,
        }
    }

    #[test]
    fn counts_shares_and_names_the_worst_notes() {
        let notes = [
            note(0.5, 60, 3.0),
            note(1.0, 62, -12.0),
            note(12.3, 66, -38.0),
            note(13.0, 67, 27.0),
            note(14.0, 69, 8.0),
        ];
        let report = TakeReport::from_notes(&notes, None);
        assert_eq!(report.notes, 5);
        assert_eq!(report.within_10_cents, 2);
        assert_eq!(report.within_25_cents, 3);
        assert!((report.share_within_25_cents - 0.6).abs() < 1e-6);
        assert_eq!(report.worst.len(), 3);
        assert_eq!(report.worst[0].name, "F#4");
        assert_eq!(report.worst[1].cents, 27.0);
        assert_eq!(
            report.summary,
            "3 of 5 notes within 25 cents; worst: F#4 at 12.3 s, 38 cents flat"
        );
    }

    #[test]
    fn an_empty_or_clean_take_says_so() {
        assert_eq!(
            TakeReport::from_notes(&[], None).summary,
            "No sung notes heard."
        );
        let clean = TakeReport::from_notes(&[note(0.0, 60, 4.0)], None);
        assert_eq!(
            clean.summary,
            "1 of 1 note within 25 cents; all within 10 cents"
        );
    }
}
