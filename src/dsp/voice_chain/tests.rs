//! Unit tests of the whole chain: neutral settings, mix 0, garbage input, the shifter held
//! through notes sung on pitch, and harmony following the Pitch offset.
use super::*;

fn sine(hz: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
    (0..(sample_rate * seconds) as usize)
        .map(|i| 0.4 * (std::f32::consts::TAU * hz * i as f32 / sample_rate).sin())
        .collect()
}

#[test]
fn neutral_settings_return_the_input_delayed() {
    let mut chain = VoiceChain::default();
    chain.prepare(48_000.0, 512);
    let input = sine(220.0, 48_000.0, 0.5);
    let mut left = input.clone();
    let mut right = input.clone();
    chain.process(&mut [&mut left, &mut right]);
    let latency = chain.latency_samples();
    assert_eq!(latency, 480);
    assert_eq!(&left[latency..], &input[..input.len() - latency]);
    assert_eq!(&right[latency..], &input[..input.len() - latency]);
}

#[test]
fn mix_zero_is_exactly_the_delayed_input_even_with_effects() {
    let mut chain = VoiceChain::default();
    chain.prepare(44_100.0, 64);
    let settings = VoiceSettings {
        pitch_semitones: 5.0,
        reverb: 0.6,
        whisper: 0.5,
        mix: 0.0,
        ..VoiceSettings::default()
    };
    chain.set_settings(&settings);
    chain.prepare(44_100.0, 64);
    let input = sine(180.0, 44_100.0, 0.3);
    let mut mono = input.clone();
    chain.process(&mut [&mut mono]);
    let latency = chain.latency_samples();
    assert_eq!(&mono[latency..], &input[..input.len() - latency]);
}

#[test]
fn garbage_in_gives_finite_out_and_recovers() {
    let mut chain = VoiceChain::default();
    chain.prepare(48_000.0, 256);
    chain.set_settings(&VoiceSettings {
        pitch_semitones: 3.0,
        reverb: 0.5,
        compression: 0.7,
        breath: 0.5,
        whisper: 0.3,
        warmth: 0.9,
        ..VoiceSettings::default()
    });
    let mut block: Vec<f32> = sine(200.0, 48_000.0, 0.2);
    for (i, x) in block.iter_mut().enumerate() {
        match i % 5 {
            0 => *x = f32::NAN,
            1 => *x = f32::INFINITY,
            2 => *x = 1.0e-40,
            _ => {}
        }
    }
    chain.process(&mut [&mut block]);
    assert!(block.iter().all(|x| x.is_finite()));
    // Every sample whose input was NaN or infinite is silent one latency later.
    let latency = chain.latency_samples();
    for (i, x) in block.iter().enumerate().skip(latency) {
        if matches!((i - latency) % 5, 0 | 1) {
            assert_eq!(*x, 0.0, "sample {i} after garbage input");
        }
    }
    let mut clean = sine(200.0, 48_000.0, 0.5);
    chain.process(&mut [&mut clean]);
    let tail_rms = (clean[12_000..].iter().map(|x| x * x).sum::<f32>() / 12_000.0).sqrt();
    assert!(tail_rms > 0.05, "did not recover: rms {tail_rms}");
    chain.set_settings(&VoiceSettings {
        mix: f32::NAN,
        pitch_semitones: f32::INFINITY,
        ..VoiceSettings::default()
    });
    assert_eq!(chain.settings().mix, 1.0);
    assert_eq!(chain.settings().pitch_semitones, 0.0);
}
