//! Pitch correction: which note the singer is aiming at, and how far and how fast to pull them
//! there (retune speed, amount, vibrato preservation, humanize).
//!
//! Everything here works in cents on the MIDI scale (6900 = A4 = 440 Hz), once per analysis
//! frame, so it is cheap and independent of the shifter.

use crate::music::theory::{PitchClass, ScaleKind};

use super::harmony::chord_track::{pitch_class_mask, ChordTones};
use super::pitch_detector::PitchFrame;

/// How far (in semitones) a pitch must move past the midpoint before the target note changes:
/// stops notes on a boundary from flipping.
const HYSTERESIS_SEMITONES: f32 = 0.2;
/// Time constant of each of the two low-passes that find the slow pitch centre (below vibrato).
const CENTRE_SECONDS: f32 = 0.06;
/// A note held this long counts as sustained for humanize.
const SUSTAIN_SECONDS: f32 = 0.25;
/// Humanize never lets a sustained note drift further than this from its target (cents).
const HUMANIZE_LIMIT_CENTS: f32 = 50.0;

/// Whether correction follows the chord the backing plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FollowChords {
    /// The key and scale (or the custom note mask) for the whole song.
    #[default]
    Off,
    /// Only the current chord's tones.
    ChordTones,
    /// The chord's tones plus the scale's (passing notes), without the key notes a borrowed
    /// chord tone replaces.
    ChordAndScale,
}

impl FollowChords {
    /// Every mode, in parameter order.
    pub const ALL: [FollowChords; 3] = [
        FollowChords::Off,
        FollowChords::ChordTones,
        FollowChords::ChordAndScale,
    ];
}

/// The correction settings, as the parameters hold them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrectionSettings {
    /// Whether correction runs.
    pub enabled: bool,
    /// Tonic of the target key.
    pub key: PitchClass,
    /// Allowed scale.
    pub scale: ScaleKind,
    /// Retune time constant in ms (0 = hard snap).
    pub retune_ms: f32,
    /// Correction strength 0..1.
    pub amount: f32,
    /// Share of slow drift sustained notes keep, 0..1.
    pub humanize: f32,
    /// Share of vibrato kept around the corrected centre, 0..1.
    pub vibrato: f32,
    /// Use held MIDI notes as targets when any are held.
    pub midi_targets: bool,
    /// A custom set of allowed notes (bit n = n semitones above C); 0 uses key and scale.
    pub note_mask: u16,
    /// Whether the current chord decides the targets (when a chord is known).
    pub follow_chords: FollowChords,
}

impl CorrectionSettings {
    /// The notes the song allows without chords: the custom mask, else the key's scale
    /// (chromatic if a scale were ever empty).
    pub fn scale_mask(&self) -> u16 {
        let mask = match self.note_mask & 0x0fff {
            0 => self.scale.pitch_class_mask(self.key),
            custom => custom,
        };
        match mask {
            0 => 0x0fff,
            mask => mask,
        }
    }

    /// The notes allowed while `chord` sounds (`None`: no chord known).
    pub fn chord_mask(&self, chord: Option<ChordTones>) -> u16 {
        let scale = self.scale_mask();
        match (self.follow_chords, chord) {
            (FollowChords::ChordTones, Some(c)) if c.mask != 0 => c.mask,
            (FollowChords::ChordAndScale, Some(c)) if c.mask != 0 => c.mask | (scale & !c.replaced),
            _ => scale,
        }
    }
}

impl Default for CorrectionSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            key: PitchClass::C,
            scale: ScaleKind::Major,
            retune_ms: 60.0,
            amount: 1.0,
            humanize: 0.15,
            vibrato: 0.8,
            midi_targets: false,
            note_mask: 0,
            follow_chords: FollowChords::Off,
        }
    }
}

/// Converts Hz to cents on the MIDI scale.
#[inline]
pub fn hz_to_cents(hz: f32) -> f32 {
    6900.0 + 1200.0 * (hz / 440.0).log2()
}

/// Converts cents on the MIDI scale to Hz.
#[inline]
pub fn cents_to_hz(cents: f32) -> f32 {
    440.0 * ((cents - 6900.0) / 1200.0).exp2()
}

/// Per-frame correction state.
#[derive(Debug, Clone)]
pub struct PitchCorrector {
    hop_seconds: f32,
    centre_a: f32,
    centre_b: f32,
    voiced: bool,
    note: Option<i32>,
    note_age: f32,
    shift: f32,
    target_cents: f32,
    held_notes: u128,
    chord: Option<ChordTones>,
}

impl Default for PitchCorrector {
    fn default() -> Self {
        Self {
            hop_seconds: 0.004,
            centre_a: 0.0,
            centre_b: 0.0,
            voiced: false,
            note: None,
            note_age: 0.0,
            shift: 0.0,
            target_cents: 0.0,
            held_notes: 0,
            chord: None,
        }
    }
}

impl PitchCorrector {
    /// Prepares for frames `hop_seconds` apart (allocates nothing).
    pub fn prepare(&mut self, hop_seconds: f32) {
        self.hop_seconds = hop_seconds.max(1.0e-4);
        self.clear();
    }

    /// Forgets the sung line, in place; held MIDI notes and the chord stay.
    pub fn clear(&mut self) {
        *self = Self {
            hop_seconds: self.hop_seconds,
            held_notes: self.held_notes,
            chord: self.chord,
            ..Self::default()
        };
    }

    /// The chord sounding from now on (`None`: no backing plays).
    pub fn set_chord(&mut self, chord: Option<ChordTones>) {
        self.chord = chord;
    }

    /// The chord in force.
    pub fn chord(&self) -> Option<ChordTones> {
        self.chord
    }

    /// Held MIDI notes, bit n = note n.
    pub fn held_notes(&self) -> u128 {
        self.held_notes
    }

    /// Marks MIDI note `note` as held or released (for MIDI-controlled targets).
    pub fn set_note_held(&mut self, note: u8, held: bool) {
        let bit = 1u128 << (note.min(127) as u32);
        if held {
            self.held_notes |= bit;
        } else {
            self.held_notes &= !bit;
        }
    }

    /// Releases every held MIDI note.
    pub fn release_all_notes(&mut self) {
        self.held_notes = 0;
    }

    /// The note currently aimed at (MIDI number), if voiced.
    pub fn target_note(&self) -> Option<i32> {
        self.note
    }

    /// The pitch the corrector is steering to, in cents (valid while voiced).
    pub fn target_cents(&self) -> f32 {
        self.target_cents
    }

    /// Takes one analysis frame; returns the correction to apply in cents (0 when unvoiced).
    pub fn update(&mut self, frame: &PitchFrame, settings: &CorrectionSettings) -> f32 {
        self.step(frame, settings, self.hop_seconds)
    }

    /// Chooses the target again for the frame already taken (the chord changed between two
    /// frames), without advancing time: a hard snap jumps to the new note at once, a glide
    /// starts towards it from where it is.
    pub fn retarget(&mut self, frame: &PitchFrame, settings: &CorrectionSettings) -> f32 {
        self.step(frame, settings, 0.0)
    }

    /// One frame `elapsed` seconds after the previous one.
    fn step(&mut self, frame: &PitchFrame, settings: &CorrectionSettings, elapsed: f32) -> f32 {
        if !frame.is_voiced() || frame.f0 <= 0.0 {
            self.voiced = false;
            self.note = None;
            self.shift = 0.0;
            return 0.0;
        }
        let detected = hz_to_cents(frame.f0);
        if !self.voiced {
            self.voiced = true;
            self.centre_a = detected;
            self.centre_b = detected;
            self.note_age = 0.0;
            self.shift = 0.0;
        }
        let centre_alpha = 1.0 - (-elapsed / CENTRE_SECONDS).exp();
        self.centre_a += centre_alpha * (detected - self.centre_a);
        self.centre_b += centre_alpha * (self.centre_a - self.centre_b);
        let centre = self.centre_b;

        let mask = self.allowed_mask(settings);
        let note = self.choose_note(detected / 100.0, mask);
        if Some(note) != self.note {
            self.note = Some(note);
            self.note_age = 0.0;
        } else {
            self.note_age += elapsed;
        }

        let mut target = note as f32 * 100.0;
        if self.note_age > SUSTAIN_SECONDS {
            let drift = (centre - target).clamp(-HUMANIZE_LIMIT_CENTS, HUMANIZE_LIMIT_CENTS);
            target += settings.humanize.clamp(0.0, 1.0) * drift;
        }
        let vibrato = settings.vibrato.clamp(0.0, 1.0);
        let wanted = target + vibrato * (detected - centre);
        self.target_cents = wanted;
        if !settings.enabled {
            self.shift = 0.0;
            return 0.0;
        }
        let desired = wanted - detected;
        let alpha = if settings.retune_ms <= 0.0 {
            1.0
        } else {
            1.0 - (-elapsed * 1000.0 / settings.retune_ms).exp()
        };
        self.shift += alpha * (desired - self.shift);
        settings.amount.clamp(0.0, 1.0) * self.shift
    }

    /// Pitch classes allowed as targets, in this order:
    /// 1. "MIDI Targets" on and notes held: exactly the held notes' pitch classes (a single
    ///    guide note, or a chord while Follow Chords is off or a backing's chord rules), unless
    /// 2. Follow Chords is on and the held notes are the chord in force (the plugin hands the
    ///    corrector a held chord when no backing plays): then the chord rules as any chord
    ///    would, so "chord + scale" keeps its passing notes over a held chord too;
    /// 3. the chord in force when following chords (the backing's, else the held one);
    /// 4. the custom note mask, else the key's scale.
    fn allowed_mask(&self, settings: &CorrectionSettings) -> u16 {
        let held = pitch_class_mask(self.held_notes);
        let held_is_the_chord = settings.follow_chords != FollowChords::Off
            && self.chord.is_some_and(|c| c.mask == held);
        if settings.midi_targets && held != 0 && !held_is_the_chord {
            return held;
        }
        settings.chord_mask(self.chord)
    }

    /// Nearest allowed note to `pitch` (fractional MIDI), sticking to the current note unless
    /// another is closer by more than the hysteresis.
    fn choose_note(&self, pitch: f32, mask: u16) -> i32 {
        let allowed = |n: i32| mask & (1 << n.rem_euclid(12)) != 0;
        let centre = pitch.round() as i32;
        let nearest = (-6..=6)
            .map(|d| centre + d)
            .filter(|&n| allowed(n))
            .min_by(|a, b| {
                (*a as f32 - pitch)
                    .abs()
                    .total_cmp(&(*b as f32 - pitch).abs())
            })
            .unwrap_or(centre);
        match self.note {
            Some(current) if allowed(current) => {
                let current_distance = (current as f32 - pitch).abs();
                let new_distance = (nearest as f32 - pitch).abs();
                // Past the midpoint by the hysteresis means the distances differ by twice it.
                if new_distance + 2.0 * HYSTERESIS_SEMITONES < current_distance {
                    nearest
                } else {
                    current
                }
            }
            _ => nearest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::pitch_detector::Voicing;

    fn frame(hz: f32) -> PitchFrame {
        PitchFrame {
            time: 0.0,
            f0: hz,
            voicing: Voicing::Voiced,
            aperiodicity: 0.05,
            level_db: -20.0,
        }
    }

    fn hard() -> CorrectionSettings {
        CorrectionSettings {
            retune_ms: 0.0,
            humanize: 0.0,
            vibrato: 0.0,
            ..CorrectionSettings::default()
        }
    }

    #[test]
    fn hard_snap_lands_exactly_on_the_scale_note() {
        let mut c = PitchCorrector::default();
        c.prepare(0.004);
        // E4 + 35 cents in C major: pull down 35 cents.
        let hz = cents_to_hz(6400.0 + 35.0);
        let shift = c.update(&frame(hz), &hard());
        assert!((shift + 35.0).abs() < 0.01, "{shift}");
        // C#4 is not in C major: 6140 cents goes to the nearer D4.
        let mut c = PitchCorrector::default();
        let shift = c.update(&frame(cents_to_hz(6140.0)), &hard());
        assert!((shift - 60.0).abs() < 0.01, "{shift}");
    }

    #[test]
    fn a_minor_targets_and_amount_scale_the_shift() {
        let mut c = PitchCorrector::default();
        let settings = CorrectionSettings {
            key: PitchClass::A,
            scale: ScaleKind::Minor,
            amount: 0.5,
            ..hard()
        };
        // G#4 is not in A minor; 6830 cents is 70 from A4 and 130 from G4.
        let shift = c.update(&frame(cents_to_hz(6830.0)), &settings);
        assert!((shift - 35.0).abs() < 0.01, "{shift}");
    }

    #[test]
    fn hysteresis_keeps_a_note_on_the_boundary() {
        let mut c = PitchCorrector::default();
        c.update(&frame(cents_to_hz(6200.0)), &hard()); // D4
                                                        // 6315 cents is past the D/E midpoint, but not by the 20-cent hysteresis: stays on D.
        let shift = c.update(&frame(cents_to_hz(6315.0)), &hard());
        assert_eq!(c.target_note(), Some(62));
        assert!((shift + 115.0).abs() < 0.01);
        // Far past the midpoint it moves to E.
        c.update(&frame(cents_to_hz(6380.0)), &hard());
        assert_eq!(c.target_note(), Some(64));
    }

    #[test]
    fn retune_speed_glides_towards_the_target() {
        let mut c = PitchCorrector::default();
        c.prepare(0.004);
        let settings = CorrectionSettings {
            retune_ms: 40.0,
            ..hard()
        };
        let hz = cents_to_hz(6430.0);
        let first = c.update(&frame(hz), &settings);
        assert!(first < 0.0 && first > -10.0, "{first}");
        let mut last = first;
        for _ in 0..100 {
            last = c.update(&frame(hz), &settings);
        }
        assert!((last + 30.0).abs() < 0.1, "{last}");
    }

    #[test]
    fn midi_targets_override_the_scale() {
        let mut c = PitchCorrector::default();
        c.set_note_held(61, true); // C#4
        let settings = CorrectionSettings {
            midi_targets: true,
            ..hard()
        };
        let shift = c.update(&frame(cents_to_hz(6050.0)), &settings);
        assert!((shift - 50.0).abs() < 0.01, "{shift}");
        c.release_all_notes();
        let shift = c.update(&frame(cents_to_hz(6050.0)), &settings);
        assert!(shift.abs() <= 50.0);
    }

    #[test]
    fn a_custom_mask_without_f_sharp_never_targets_it() {
        // C D E G A B (no F, no F#): every pitch from 55 to 80 lands on one of them.
        let mask: u16 = [0, 2, 4, 7, 9, 11].iter().fold(0, |m, pc| m | 1 << pc);
        let settings = CorrectionSettings {
            key: PitchClass::G,
            note_mask: mask,
            ..hard()
        };
        for cents in (5500..8000).step_by(7) {
            let mut c = PitchCorrector::default();
            c.update(&frame(cents_to_hz(cents as f32)), &settings);
            let note = c.target_note().expect("voiced");
            assert!(mask & (1 << note.rem_euclid(12)) != 0, "{cents} -> {note}");
        }
    }

    fn tones(chord: &str, key: &str) -> ChordTones {
        ChordTones::new(chord.parse().expect("chord"), key.parse().expect("key"))
    }

    #[test]
    fn following_chords_targets_chord_tones_or_adds_the_scale_without_replaced_notes() {
        let mut c = PitchCorrector::default();
        let chord_only = CorrectionSettings {
            follow_chords: FollowChords::ChordTones,
            ..hard()
        };
        // D4 + 10 cents over an F chord: the nearest chord tone is C4 or F4; D is not allowed.
        c.set_chord(Some(tones("F", "C major")));
        c.update(&frame(cents_to_hz(6210.0)), &chord_only);
        assert_eq!(c.target_note(), Some(60));
        // Over Bb (bVII in C), chord + scale: B4 - 20 cents goes to Bb (70), B is replaced.
        let with_scale = CorrectionSettings {
            follow_chords: FollowChords::ChordAndScale,
            ..hard()
        };
        let mut c = PitchCorrector::default();
        c.set_chord(Some(tones("Bb", "C major")));
        c.update(&frame(cents_to_hz(7080.0)), &with_scale);
        assert_eq!(c.target_note(), Some(70));
        // Passing notes of the scale stay: E4 over Bb.
        c.update(&frame(cents_to_hz(6405.0)), &with_scale);
        assert_eq!(c.target_note(), Some(64));
        // No chord known: the scale.
        c.set_chord(None);
        c.update(&frame(cents_to_hz(7080.0)), &with_scale);
        assert_eq!(c.target_note(), Some(71));
    }

    /// A held chord as the plugin hands it over: the notes held and the chord read from them.
    fn hold(c: &mut PitchCorrector, notes: &[u8]) {
        c.release_all_notes();
        for &n in notes {
            c.set_note_held(n, true);
        }
        c.set_chord(ChordTones::from_held_notes(
            c.held_notes(),
            PitchClass::C,
            ScaleKind::Major,
        ));
    }

    #[test]
    fn a_held_chord_rules_like_a_backing_chord_when_following_chords() {
        // Bb-D-F held (bVII in C): chord tones only, then chord + scale without B.
        for midi_targets in [false, true] {
            let chord_only = CorrectionSettings {
                follow_chords: FollowChords::ChordTones,
                midi_targets,
                ..hard()
            };
            let mut c = PitchCorrector::default();
            hold(&mut c, &[58, 62, 65]);
            c.update(&frame(cents_to_hz(6410.0)), &chord_only); // E4 + 10: nearest is F4
            assert_eq!(c.target_note(), Some(65), "midi targets {midi_targets}");
            let with_scale = CorrectionSettings {
                follow_chords: FollowChords::ChordAndScale,
                ..chord_only
            };
            let mut c = PitchCorrector::default();
            hold(&mut c, &[58, 62, 65]);
            c.update(&frame(cents_to_hz(6405.0)), &with_scale);
            assert_eq!(c.target_note(), Some(64), "E stays a passing note");
            c.update(&frame(cents_to_hz(7090.0)), &with_scale);
            assert_eq!(c.target_note(), Some(70), "B is replaced by Bb");
        }
    }

    #[test]
    fn midi_targets_keep_a_single_note_or_a_chord_when_not_following() {
        let mut c = PitchCorrector::default();
        // One held note is no chord: the note is the only target even with Follow Chords on.
        hold(&mut c, &[61]);
        assert_eq!(c.chord(), None);
        let follow_with_midi = CorrectionSettings {
            follow_chords: FollowChords::ChordAndScale,
            midi_targets: true,
            ..hard()
        };
        c.update(&frame(cents_to_hz(6420.0)), &follow_with_midi);
        assert_eq!(c.target_note(), Some(61));
        // A chord held with Follow Chords off: exactly its notes (today's MIDI Targets).
        hold(&mut c, &[60, 64, 67]);
        let midi_only = CorrectionSettings {
            midi_targets: true,
            ..hard()
        };
        c.update(&frame(cents_to_hz(6190.0)), &midi_only);
        assert_eq!(c.target_note(), Some(60));
        // A backing's chord rules the chord, but explicitly held targets win over it.
        c.set_chord(Some(tones("G", "C major")));
        c.update(&frame(cents_to_hz(6190.0)), &follow_with_midi);
        assert_eq!(
            c.target_note(),
            Some(60),
            "held C-E-G, not the backing's G-B-D"
        );
        // Without MIDI Targets the held notes count only through the chord in force.
        let follow_only = CorrectionSettings {
            midi_targets: false,
            follow_chords: FollowChords::ChordTones,
            ..follow_with_midi
        };
        c.update(&frame(cents_to_hz(6190.0)), &follow_only);
        assert_eq!(c.target_note(), Some(62), "the backing's G chord: D");
    }

    #[test]
    fn retarget_moves_a_hard_snap_at_once_and_a_glide_not_at_all() {
        let settings = CorrectionSettings {
            follow_chords: FollowChords::ChordTones,
            ..hard()
        };
        let mut c = PitchCorrector::default();
        c.set_chord(Some(tones("C", "C major")));
        let f = frame(cents_to_hz(6290.0));
        assert!((c.update(&f, &settings) - 110.0).abs() < 0.01); // to E4
        c.set_chord(Some(tones("G", "C major")));
        assert!((c.retarget(&f, &settings) + 90.0).abs() < 0.01); // to D4
        let glide = CorrectionSettings {
            retune_ms: 50.0,
            ..settings
        };
        let before = c.update(&f, &glide);
        c.set_chord(Some(tones("C", "C major")));
        assert_eq!(c.retarget(&f, &glide), before);
        assert_eq!(c.target_note(), Some(64));
    }

    #[test]
    fn unvoiced_frames_give_no_correction() {
        let mut c = PitchCorrector::default();
        let silent = PitchFrame::silence(0.0);
        assert_eq!(c.update(&silent, &hard()), 0.0);
    }
}
