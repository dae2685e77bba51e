//! `VoiceChain::clear` (what a host's reset calls) and block-size invariance, on the synthetic
//! singer through the whole chain with every effect on.
//!
//! - A loud burst into 100 % reverb, then `clear`, then silence: every output sample after the
//!   clear is exactly zero (grains, reverb tail, compressor, delayed dry signal all forgotten).
//! - The same input in blocks of 1, 64, 512, 4096 and random sizes gives the same output within
//!   1e-6, and so does a chain that ran something else and was then cleared; the same for the
//!   backing player following a running clock.

#[path = "support/blocks.rs"]
mod blocks;

use blocks::{assert_same_for_every_block_size, noise, stereo_in_blocks};
use daiw::assistant::state::BackingSpec;
use daiw::dsp::backing_player::{BackingPlayer, Clock};
use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::dsp::{VoiceChain, VoiceSettings};
use daiw::music::theory::{PitchClass, ScaleKind};
use daiw::plugin::backing_link::player_pattern;

const SAMPLE_RATE: f32 = 48_000.0;

/// Every effect on: tuning, pitch, formant, robot, breath, whisper, tone, compression, reverb.
fn everything_on() -> VoiceSettings {
    let mut settings = VoiceSettings {
        pitch_semitones: 2.0,
        formant_semitones: 1.0,
        robot: 0.3,
        breath: 0.4,
        whisper: 0.3,
        warmth: 0.7,
        presence: 0.65,
        reverb: 1.0,
        compression: 0.6,
        mix: 0.9,
        ..VoiceSettings::default()
    };
    settings.tune.enabled = true;
    settings.tune.key = PitchClass::A;
    settings.tune.scale = ScaleKind::Minor;
    settings.tune.retune_ms = 20.0;
    settings
}

fn chain() -> VoiceChain {
    let mut chain = VoiceChain::default();
    chain.set_settings(&everything_on());
    chain.prepare(SAMPLE_RATE, 4_096);
    chain
}

/// Stereo processing of `input` in blocks whose sizes `sizes` yields in turn.
fn run(chain: &mut VoiceChain, input: &[f32], sizes: impl FnMut() -> usize) -> Vec<f32> {
    stereo_in_blocks(chain, input, -0.5, &[], sizes)
}

fn singer() -> Vec<f32> {
    sing(&test_phrase(57.0), &SingerConfig::default()).samples
}

#[test]
fn clear_silences_every_tail_at_once() {
    let mut chain = chain();
    let burst: Vec<f32> = (0..SAMPLE_RATE as usize / 2)
        .map(|i| 0.9 * (std::f32::consts::TAU * 220.0 * i as f32 / SAMPLE_RATE).sin())
        .collect();
    let loud = run(&mut chain, &burst, || 512);
    assert!(
        loud.iter().any(|x| x.abs() > 0.1),
        "the burst was not heard"
    );
    chain.clear();
    let silence = vec![0.0f32; SAMPLE_RATE as usize];
    let after = run(&mut chain, &silence, || 512);
    let first_sound = after.iter().position(|x| *x != 0.0);
    assert_eq!(first_sound, None, "sound after clear at {first_sound:?}");
}

#[test]
fn output_does_not_depend_on_block_size_or_a_clear() {
    let input = singer();
    let reference = run(&mut chain(), &input, || 512);
    assert_same_for_every_block_size("chain", &reference, 0x1234_5678, |sizes, after_clear| {
        let mut chain = chain();
        if after_clear {
            run(&mut chain, &noise(), || 333);
            chain.clear();
        }
        run(&mut chain, &input, sizes)
    });
}

/// Four seconds of the funk backing (the busiest style) in blocks of `sizes`, following a
/// running clock at 100 BPM.
fn backing(player: &mut BackingPlayer, mut sizes: impl FnMut() -> usize) -> Vec<f32> {
    let total = 4 * SAMPLE_RATE as usize;
    let beats_per_sample = 100.0 / 60.0 / f64::from(SAMPLE_RATE);
    let mut out = Vec::with_capacity(2 * total);
    let mut done = 0;
    while done < total {
        let frames = sizes().clamp(1, 4_096).min(total - done);
        let clock = Clock::Running {
            beat: done as f64 * beats_per_sample,
            beats_per_sample,
        };
        let (left, right) = player.process(frames, clock, 0.5, &mut |_| {});
        out.extend(left.iter().zip(right).flat_map(|(l, r)| [*l, *r]));
        done += frames;
    }
    out
}

fn backing_player() -> BackingPlayer {
    let spec = BackingSpec {
        style: "funk".into(),
        tempo_bpm: 100,
        bars: 4,
        ..BackingSpec::default()
    };
    let pattern = spec.generate().expect("pattern");
    let mut player = BackingPlayer::default();
    player.prepare(SAMPLE_RATE, 4_096);
    player.swap_pattern(Some(Box::new(player_pattern(&pattern))), &mut |_| {});
    player
}

#[test]
fn backing_does_not_depend_on_block_size_or_a_clear() {
    let reference = backing(&mut backing_player(), || 512);
    assert!(
        reference.iter().any(|x| x.abs() > 0.01),
        "the backing is silent"
    );
    assert_same_for_every_block_size("backing", &reference, 0x2545_f491, |sizes, after_clear| {
        let mut player = backing_player();
        if after_clear {
            backing(&mut player, || 300);
            player.clear();
        }
        backing(&mut player, sizes)
    });
}
