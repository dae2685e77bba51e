//! Block-size invariance, shared by the chain and backing tests: the cases every DSP unit
//! must pass (blocks of 1, 64, 4096, random sizes, and 512 after running something else and a
//! clear), the comparison against a reference render, and the voice chain run in blocks.

#![allow(dead_code)]

use daiw::dsp::harmony::chord_track::ChordTones;
use daiw::dsp::VoiceChain;

/// Hands out the size of each next block.
pub type BlockSizes<'a> = Box<dyn FnMut() -> usize + 'a>;

/// Largest difference from the reference any case may show (float rounding only).
pub const TOLERANCE: f32 = 1.0e-6;

/// Block sizes 1..=3000 from a xorshift seeded with `seed` (not 0): the same walk every run.
pub fn random_sizes(seed: u32) -> impl FnMut() -> usize {
    let mut state = seed.max(1);
    move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        1 + (state % 3_000) as usize
    }
}

/// Something else to run before a clear: a buzz that fills every history and tail.
pub fn noise() -> Vec<f32> {
    (0..20_000)
        .map(|i| ((i * 7_919) % 113) as f32 / 200.0)
        .collect()
}

/// Renders every case with `render(sizes, after_clear)` (which runs something else and clears
/// first when `after_clear`) and checks each against `reference` within [`TOLERANCE`].
pub fn assert_same_for_every_block_size(
    label: &str,
    reference: &[f32],
    seed: u32,
    mut render: impl FnMut(BlockSizes<'_>, bool) -> Vec<f32>,
) {
    let cases: [(&str, BlockSizes, bool); 5] = [
        ("1", Box::new(|| 1), false),
        ("64", Box::new(|| 64), false),
        ("4096", Box::new(|| 4_096), false),
        ("random", Box::new(random_sizes(seed)), false),
        ("512 after clear", Box::new(|| 512), true),
    ];
    for (name, sizes, after_clear) in cases {
        let out = render(sizes, after_clear);
        assert_eq!(out.len(), reference.len(), "{label} blocks {name}: length");
        let worst = out
            .iter()
            .zip(reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        println!("{label} blocks {name}: largest difference {worst:e}");
        assert!(
            worst <= TOLERANCE,
            "{label} blocks {name}: differs by {worst}"
        );
    }
}

/// Stereo processing of `input` (the right channel `right_gain` times it) in blocks of
/// `sizes`, each block told the chord changes (input sample, chord) that fall inside it;
/// returns left then right.
pub fn stereo_in_blocks(
    chain: &mut VoiceChain,
    input: &[f32],
    right_gain: f32,
    changes: &[(usize, ChordTones)],
    mut sizes: impl FnMut() -> usize,
) -> Vec<f32> {
    let mut left = input.to_vec();
    let mut right: Vec<f32> = input.iter().map(|x| right_gain * x).collect();
    let mut start = 0;
    while start < input.len() {
        let end = (start + sizes().max(1)).min(input.len());
        let inside: Vec<(usize, Option<ChordTones>)> = changes
            .iter()
            .filter(|(at, _)| (start..end).contains(at))
            .map(|&(at, c)| (at - start, Some(c)))
            .collect();
        chain.process_with_chords(
            &mut [&mut left[start..end], &mut right[start..end]],
            &inside,
        );
        start = end;
    }
    left.extend(right);
    left
}
