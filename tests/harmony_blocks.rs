//! Block-size invariance with harmony voices on and chords changing inside blocks: the same
//! input, chords and settings in blocks of 1, 64, 4096 and random sizes give the same output
//! within 1e-6 (the chord changes are handed to `process_with_chords` at their exact sample,
//! wherever the block boundaries fall), and so does a chain that ran something else and was
//! cleared.

#[path = "support/blocks.rs"]
mod blocks;

use blocks::{assert_same_for_every_block_size, noise, stereo_in_blocks};
use daiw::dsp::correction::FollowChords;
use daiw::dsp::harmony::chord_track::ChordTones;
use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::dsp::{VoiceChain, VoiceSettings};
use daiw::music::theory::{Key, PitchClass, ScaleKind};

const SAMPLE_RATE: f32 = 48_000.0;

fn settings() -> VoiceSettings {
    let mut s = VoiceSettings {
        reverb: 0.3,
        ..VoiceSettings::default()
    };
    s.tune.enabled = true;
    s.tune.key = PitchClass::C;
    s.tune.scale = ScaleKind::Major;
    s.tune.retune_ms = 15.0;
    s.tune.follow_chords = FollowChords::ChordAndScale;
    s.harmony.voices = 3;
    s.harmony.spread = 0.8;
    s
}

/// A chord change every 0.37 s (not on any block boundary), cycling C G Am F.
fn changes(frames: usize) -> Vec<(usize, ChordTones)> {
    let key: Key = "C major".parse().expect("key");
    let tones: Vec<ChordTones> = ["C", "G", "Am", "F"]
        .iter()
        .map(|c| ChordTones::new(c.parse().expect("chord"), key))
        .collect();
    (0..)
        .map(|i| ((i as f32 * 0.37 * SAMPLE_RATE) as usize + 11, tones[i % 4]))
        .take_while(|(at, _)| *at < frames)
        .collect()
}

/// Stereo processing in blocks of `sizes`, each block told the changes that fall inside it.
fn run(chain: &mut VoiceChain, input: &[f32], sizes: impl FnMut() -> usize) -> Vec<f32> {
    stereo_in_blocks(chain, input, 0.7, &changes(input.len()), sizes)
}

fn chain() -> VoiceChain {
    let mut chain = VoiceChain::default();
    chain.set_settings(&settings());
    chain.prepare(SAMPLE_RATE, 4_096);
    chain
}

#[test]
fn harmony_output_does_not_depend_on_block_size_or_a_clear() {
    let input = sing(&test_phrase(57.0), &SingerConfig::default()).samples;
    let reference = run(&mut chain(), &input, || 512);
    // The voices are heard: the stereo sides differ from a lead-only render.
    let mut lead_only = chain();
    let mut s = settings();
    s.harmony.voices = 0;
    lead_only.set_settings(&s);
    let without = run(&mut lead_only, &input, || 512);
    let difference: f32 = reference
        .iter()
        .zip(&without)
        .map(|(a, b)| (a - b).abs())
        .sum::<f32>()
        / reference.len() as f32;
    assert!(difference > 1.0e-3, "harmony inaudible: {difference}");
    assert_same_for_every_block_size("harmony", &reference, 0x9e37_79b9, |sizes, after_clear| {
        let mut chain = chain();
        if after_clear {
            run(&mut chain, &noise(), || 333);
            chain.set_chord(None);
            chain.clear();
        }
        run(&mut chain, &input, sizes)
    });
}
