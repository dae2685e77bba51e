//! `daiw render`: a WAV file through the voice chain, latency removed so the output lines up
//! with the input.

use std::path::Path;

use crate::dsp::{VoiceChain, VoiceSettings};

use super::wav::{self, Audio, WavError};

/// Block size for offline rendering (any size works; this one is cache-friendly).
const BLOCK: usize = 1_024;

/// Runs `audio` through a chain with `settings`; returns audio of the same length, aligned
/// with the input (the chain's latency is removed).
pub fn render(audio: &Audio, settings: &VoiceSettings) -> Audio {
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
    let mut start = 0;
    while start < total {
        let end = (start + BLOCK).min(total);
        let mut blocks: Vec<&mut [f32]> = padded.iter_mut().map(|c| &mut c[start..end]).collect();
        chain.process(&mut blocks);
        start = end;
    }
    Audio {
        channels: padded.into_iter().map(|c| c[latency..].to_vec()).collect(),
        sample_rate: audio.sample_rate,
        format: audio.format,
    }
}

/// Reads `input`, renders it and writes `output` in the input's format.
pub fn render_file(input: &Path, output: &Path, settings: &VoiceSettings) -> Result<(), WavError> {
    let audio = wav::read(input)?;
    let rendered = render(&audio, settings);
    wav::write(output, &rendered)
}
