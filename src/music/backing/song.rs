//! What every part reads while it is played: the request, the style, the chord spans laid out
//! bar by bar, the grid helpers, and the sink the parts write their notes into.

use super::{BackingRequest, ChordSpan, NoteEvent, Part, ProgressionChord, STEPS_PER_BAR};
use crate::music::data::StyleDef;

/// The request being played, its style and the harmony laid out over its bars.
pub(super) struct Song<'a> {
    /// The request.
    pub(super) request: &'a BackingRequest,
    /// Its style.
    pub(super) style: &'a StyleDef,
    /// Ticks per bar.
    pub(super) tpb: u32,
    /// Bars each chord lasts.
    pub(super) bars_per_chord: u32,
    /// The harmony, span by span from tick 0.
    pub(super) spans: &'a [ChordSpan],
}

impl Song<'_> {
    /// The index of the chord span sounding at tick `nominal`. Spans are laid
    /// `tpb * bars_per_chord` apart from tick 0, so the index is arithmetic, not a search.
    pub(super) fn span_index_at(&self, nominal: u32) -> usize {
        let span_ticks = self.tpb * self.bars_per_chord;
        ((nominal / span_ticks.max(1)) as usize).min(self.spans.len().saturating_sub(1))
    }
}

/// The chord spans: the progression repeated, `bars_per_chord` bars each, the last one cut at
/// the end of the pattern.
pub(super) fn lay_out_spans(
    progression: &[ProgressionChord],
    request: &BackingRequest,
    tpb: u32,
    bars_per_chord: u32,
) -> Vec<ChordSpan> {
    let mut spans = Vec::new();
    let mut bar = 0;
    let mut index = 0;
    while bar < request.bars {
        let end_bar = (bar + bars_per_chord).min(request.bars);
        let pc = &progression[index % progression.len()];
        spans.push(ChordSpan {
            start: bar * tpb,
            end: end_bar * tpb,
            chord: pc.chord,
            numeral: pc.numeral.clone(),
            borrowed: !pc.chord.is_diatonic_in(request.key),
        });
        bar = end_bar;
        index += 1;
    }
    spans
}

/// The 16 steps of `bar` in a grid of one bar or two (a 32-step grid alternates its halves);
/// steps past the grid's end are rests.
pub(super) fn bar_row(grid: &[char], bar: u32) -> Vec<char> {
    let offset = two_bar_offset(grid, bar);
    (0..STEPS_PER_BAR)
        .map(|s| grid.get((offset + s) as usize).copied().unwrap_or('.'))
        .collect()
}

/// Where `bar` starts in `grid`: the second half of a 32-step grid on odd bars, else 0.
pub(super) fn two_bar_offset(grid: &[char], bar: u32) -> u32 {
    if grid.len() == 32 {
        (bar % 2) * 16
    } else {
        0
    }
}

/// How many steps after `step` continue its note ('-' in a grid row).
pub(super) fn held_steps(row: &[char], step: u32) -> u32 {
    row[step as usize + 1..]
        .iter()
        .take_while(|&&c| c == '-')
        .count() as u32
}

/// Collects the parts' notes, rounding each onto the tick grid and keeping it inside the
/// pattern.
pub(super) struct Notes {
    total: u32,
    events: Vec<NoteEvent>,
}

impl Notes {
    /// An empty sink for a pattern `total` ticks long.
    pub(super) fn new(total: u32) -> Notes {
        Notes {
            total,
            events: Vec::new(),
        }
    }

    /// Adds a note at fractional tick `tick`, clamped into the pattern.
    pub(super) fn push(
        &mut self,
        tick: f64,
        duration: u32,
        part: Part,
        note: u8,
        velocity: u8,
        chromatic: bool,
    ) {
        let tick = tick.round().clamp(0.0, (self.total - 1) as f64) as u32;
        let duration = duration.clamp(1, self.total - tick);
        self.events.push(NoteEvent {
            tick,
            duration,
            part,
            note,
            velocity: velocity.clamp(1, 127),
            chromatic,
        });
    }

    /// The notes sorted by tick, part and note, with no note cut by its own repeat.
    pub(super) fn finish(mut self) -> Vec<NoteEvent> {
        self.events.sort_by_key(|e| (e.tick, e.part, e.note));
        trim_overlaps(&mut self.events);
        self.events
    }
}

/// Shortens a note that would still sound when the same note of the same part starts again, so
/// a MIDI note-off never cuts the next note.
fn trim_overlaps(events: &mut [NoteEvent]) {
    // Walking backwards, remember where each (part, note) next starts.
    let mut next_start: Vec<Option<u32>> = vec![None; 3 * 128];
    for event in events.iter_mut().rev() {
        let slot = event.part as usize * 128 + (event.note & 0x7f) as usize;
        if let Some(next) = next_start[slot] {
            let room = next.saturating_sub(event.tick).max(1);
            event.duration = event.duration.min(room);
        }
        next_start[slot] = Some(event.tick);
    }
}
