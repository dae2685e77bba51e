//! Which note each harmony voice sings: a chord tone near a fixed interval from the lead, a
//! diatonic interval in the key, or a held MIDI note. Pure integer work on MIDI note numbers,
//! once per analysis frame.

/// Most harmony voices.
pub const MAX_VOICES: usize = 3;

/// Where each voice would ideally sit against the lead in chord mode, in semitones: a third
/// above, a fourth below (the fifth of a chord whose root the lead sings), an octave below.
const CHORD_IDEALS: [i32; MAX_VOICES] = [4, -5, -12];
/// Scale steps from the lead in diatonic mode: a third above, a fourth below, an octave below
/// (with the lead they make the triad on the lead's note, as a backing group would sing it).
const DIATONIC_STEPS: [i32; MAX_VOICES] = [2, -3, -7];
/// Lowest voice note against the lead (an octave and a fifth below keeps the voices a group).
const LOWEST_BELOW_LEAD: i32 = 19;
/// Highest voice note against the lead (an octave above).
const HIGHEST_ABOVE_LEAD: i32 = 12;
/// Weight of "stay near the previous note" against "sit near the ideal interval": below 1 so a
/// voice still follows the lead's register, high enough that a voice keeps its note when the
/// lead moves a step within the same chord (smooth voice leading).
const LEADING_WEIGHT: f32 = 0.75;

/// How harmony voices choose their notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HarmonyMode {
    /// Tones of the current chord (diatonic intervals while no chord is known).
    #[default]
    Chord,
    /// Diatonic intervals in the key (or the custom note mask).
    Diatonic,
    /// Held MIDI notes, lowest first.
    Midi,
}

impl HarmonyMode {
    /// Every mode, in parameter order.
    pub const ALL: [HarmonyMode; 3] =
        [HarmonyMode::Chord, HarmonyMode::Diatonic, HarmonyMode::Midi];
}

/// Notes for `count` voices over a chord (`chord_mask`, pitch classes): each voice takes a chord
/// tone whose pitch class neither the lead nor another voice holds (the lead's pitch class an
/// octave away when the chord has no other left, any chord tone as a last resort), voice 1
/// above the lead, the others below, each scored by its distance from its ideal interval and
/// from its previous note.
pub fn chord_voicing(
    lead: i32,
    chord_mask: u16,
    count: usize,
    previous: &[Option<i32>; MAX_VOICES],
    out: &mut [Option<i32>; MAX_VOICES],
) {
    *out = [None; MAX_VOICES];
    if chord_mask & 0x0fff == 0 {
        return;
    }
    let lead_bit = 1u16 << lead.rem_euclid(12);
    let mut used = lead_bit;
    for voice in 0..count.min(MAX_VOICES) {
        let range = if voice == 0 {
            lead + 1..=lead + HIGHEST_ABOVE_LEAD
        } else {
            lead - LOWEST_BELOW_LEAD..=lead - 1
        };
        let ideal = lead + CHORD_IDEALS[voice];
        // Pass 0: a new pitch class; 1: the lead's pitch class (an octave); 2: any chord tone.
        let blocked = [used, used & !lead_bit, 0];
        let chosen = blocked.iter().find_map(|&blocked| {
            range
                .clone()
                .filter(|&n| {
                    let bit = 1u16 << n.rem_euclid(12);
                    chord_mask & bit != 0 && blocked & bit == 0 && !out.contains(&Some(n))
                })
                .min_by(|&a, &b| {
                    let score = |n: i32| {
                        let leading = previous[voice].map_or(0.0, |p| (n - p).abs() as f32);
                        (n - ideal).abs() as f32 + LEADING_WEIGHT * leading
                    };
                    score(a).total_cmp(&score(b))
                })
        });
        if let Some(note) = chosen {
            used |= 1 << note.rem_euclid(12);
        }
        out[voice] = chosen;
    }
}

/// Notes for `count` voices a fixed number of scale steps from the lead in `scale_mask` (the
/// lead's note snapped down into the scale first).
pub fn diatonic_voicing(
    lead: i32,
    scale_mask: u16,
    count: usize,
    out: &mut [Option<i32>; MAX_VOICES],
) {
    *out = [None; MAX_VOICES];
    if scale_mask & 0x0fff == 0 {
        return;
    }
    for (voice, slot) in out.iter_mut().enumerate().take(count.min(MAX_VOICES)) {
        *slot = Some(scale_step(lead, DIATONIC_STEPS[voice], scale_mask));
    }
}

/// Notes for `count` voices from the held MIDI notes (bit n = note n): the lowest held notes
/// other than the lead's own note, one per voice; voices without a note stay silent.
pub fn midi_voicing(lead: i32, held: u128, count: usize, out: &mut [Option<i32>; MAX_VOICES]) {
    *out = [None; MAX_VOICES];
    let mut slots = out.iter_mut().take(count.min(MAX_VOICES));
    for note in 0..128i32 {
        if held & (1u128 << note) != 0 && note != lead {
            match slots.next() {
                Some(slot) => *slot = Some(note),
                None => break,
            }
        }
    }
}

/// The note `steps` scale steps from `note` (a note outside the scale counts from the scale
/// note below it).
pub fn scale_step(note: i32, steps: i32, mask: u16) -> i32 {
    let in_scale = |n: i32| mask & (1 << n.rem_euclid(12)) != 0;
    let mut n = note;
    // A 12-bit mask with any bit set has a scale note within 11 semitones.
    for _ in 0..12 {
        if in_scale(n) {
            break;
        }
        n -= 1;
    }
    let direction = steps.signum();
    for _ in 0..steps.abs() {
        n += direction;
        for _ in 0..12 {
            if in_scale(n) {
                break;
            }
            n += direction;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    const C_MAJOR: u16 = 0b1010_1011_0101;

    fn mask(pcs: &[i32]) -> u16 {
        pcs.iter().fold(0, |m, pc| m | 1 << pc)
    }

    #[test]
    fn chord_voices_take_the_other_chord_tones_around_the_lead() {
        let c = mask(&[0, 4, 7]);
        let mut out = [None; MAX_VOICES];
        // Lead on C4: E4 above, G3 below, then the chord is used up: C3 (octave below).
        chord_voicing(60, c, 3, &[None; MAX_VOICES], &mut out);
        assert_eq!(out, [Some(64), Some(55), Some(48)]);
        // Lead on E4 over Am (A C E): A4 above? The third above E is G#, not a chord tone;
        // nearest is A4 (65 scores 1 away from ideal 68... A=69).
        let am = mask(&[9, 0, 4]);
        chord_voicing(64, am, 2, &[None; MAX_VOICES], &mut out);
        assert_eq!(out[0], Some(69));
        assert_eq!(out[1], Some(60));
        assert_eq!(out[2], None);
    }

    #[test]
    fn no_two_voices_share_a_pitch_class_while_the_chord_has_room() {
        let g7 = mask(&[7, 11, 2, 5]);
        let mut out = [None; MAX_VOICES];
        for lead in 55..80 {
            chord_voicing(lead, g7, 3, &[None; MAX_VOICES], &mut out);
            let pcs: Vec<i32> = out.iter().flatten().map(|n| n.rem_euclid(12)).collect();
            assert_eq!(pcs.len(), 3, "{lead}");
            assert!(pcs.iter().all(|pc| g7 & 1 << pc != 0));
            assert!(
                pcs[0] != pcs[1] && pcs[1] != pcs[2] && pcs[0] != pcs[2],
                "{lead}: {out:?}"
            );
            assert!(out[0] > Some(lead) && out[1] < Some(lead) && out[2] < Some(lead));
        }
    }

    #[test]
    fn a_voice_keeps_its_note_when_the_lead_passes_through() {
        let am = mask(&[9, 0, 4]);
        let mut first = [None; MAX_VOICES];
        chord_voicing(64, am, 2, &[None; MAX_VOICES], &mut first);
        assert_eq!(first, [Some(69), Some(60), None]);
        // The lead passes through D4: both voices hold (alone, the upper would take E4).
        let mut next = [None; MAX_VOICES];
        chord_voicing(62, am, 2, &first, &mut next);
        assert_eq!(next, first);
        chord_voicing(62, am, 2, &[None; MAX_VOICES], &mut next);
        assert_eq!(next[0], Some(64));
    }

    #[test]
    fn diatonic_steps_and_midi_notes() {
        let mut out = [None; MAX_VOICES];
        diatonic_voicing(64, C_MAJOR, 3, &mut out);
        assert_eq!(out, [Some(67), Some(59), Some(52)]);
        // A lead off the scale (F#) counts from F.
        assert_eq!(scale_step(66, 2, C_MAJOR), 69);
        assert_eq!(scale_step(60, -1, C_MAJOR), 59);
        let held = 1u128 << 48 | 1u128 << 64 | 1u128 << 67 | 1u128 << 72;
        midi_voicing(64, held, 2, &mut out);
        assert_eq!(out, [Some(48), Some(67), None]);
        midi_voicing(64, 0, 3, &mut out);
        assert_eq!(out, [None; MAX_VOICES]);
    }
}
