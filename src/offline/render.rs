//! `daiw render`: a WAV file through the voice chain, latency removed so the output lines up
//! with the input; optionally over a chord chart (correction following the chords, harmony
//! voices), and as stems (the lead and each harmony voice alone).

use std::path::Path;

use crate::dsp::harmony::chord_track::ChordTones;
use crate::dsp::harmony::Listen;
use crate::dsp::{VoiceChain, VoiceSettings};

use super::wav::{self, Audio, WavError};

/// Block size for offline rendering (any size works; this one is cache-friendly).
const BLOCK: usize = 1_024;

/// Runs `audio` through a chain with `settings`; returns audio of the same length, aligned
/// with the input (the chain's latency is removed).
pub fn render(audio: &Audio, settings: &VoiceSettings) -> Audio {
    render_with_chords(audio, settings, &[])
}

/// As `render`, with the chord changing at the given input samples (sorted; `(sample, chord)`),
/// as a backing playing along would: each chord rules from its sample of the input on.
pub fn render_with_chords(
    audio: &Audio,
    settings: &VoiceSettings,
    chords: &[(usize, ChordTones)],
) -> Audio {
    let mut chain = VoiceChain::default();
    chain.set_settings(settings);
    chain.prepare(audio.sample_rate as f32, BLOCK);
    let latency = chain.latency_samples();
    let frames = audio.frames();
    let total = frames + latency;
    let mut padded: Vec<Vec<f32>> = audio
        .channels
        .iter()
        .map(|c| {
            let mut v = c.clone();
            v.resize(total, 0.0);
            v
        })
        .collect();
    // Input sample s comes out at chain sample s + latency: that is where its chord starts.
    let mut pending = chords
        .iter()
        .map(|&(s, c)| (s + latency, Some(c)))
        .peekable();
    let mut start = 0;
    while start < total {
        let end = (start + BLOCK).min(total);
        let mut changes = Vec::new();
        while let Some(&(at, chord)) = pending.peek() {
            if at >= end {
                break;
            }
            changes.push((at.saturating_sub(start), chord));
            pending.next();
        }
        let mut blocks: Vec<&mut [f32]> = padded.iter_mut().map(|c| &mut c[start..end]).collect();
        chain.process_with_chords(&mut blocks, &changes);
        start = end;
    }
    Audio {
        channels: padded.into_iter().map(|c| c[latency..].to_vec()).collect(),
        sample_rate: audio.sample_rate,
        format: audio.format,
    }
}

/// The same audio on two channels when it has one (harmony voices are panned).
pub fn as_stereo(audio: &Audio) -> Audio {
    let mut stereo = audio.clone();
    if let [only] = stereo.channels.as_slice() {
        let copy = only.clone();
        stereo.channels.push(copy);
    }
    stereo
}

/// Reads `input`, renders it and writes `output` in the input's format.
pub fn render_file(input: &Path, output: &Path, settings: &VoiceSettings) -> Result<(), WavError> {
    let audio = wav::read(input)?;
    let rendered = render(&audio, settings);
    wav::write(output, &rendered)
}

/// Writes `lead.wav` and `harmony-1.wav`.. (one per voice of `settings`) into `dir`: the same
/// render with only that part heard, so each voice can be checked alone.
pub fn write_stems(
    dir: &Path,
    audio: &Audio,
    settings: &VoiceSettings,
    chords: &[(usize, ChordTones)],
) -> Result<(), WavError> {
    std::fs::create_dir_all(dir).map_err(|e| WavError::Write {
        path: dir.to_path_buf(),
        reason: format!("could not create the stems folder: {e}"),
    })?;
    let mut parts = vec![("lead.wav".to_string(), Listen::Lead)];
    for voice in 0..settings.harmony.voices {
        parts.push((format!("harmony-{}.wav", voice + 1), Listen::Voice(voice)));
    }
    for (name, listen) in parts {
        let mut solo = *settings;
        solo.harmony.listen = listen;
        let rendered = render_with_chords(audio, &solo, chords);
        wav::write(&dir.join(name), &rendered)?;
    }
    Ok(())
}
