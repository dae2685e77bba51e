//! DAiW Music Brain: a vocal plugin (CLAP, VST3, standalone) with an offline assistant inside.
//!
//! This file is the plugin glue: it owns the parameters, wires the DSP units into `process`,
//! and exports the plugin formats. The DSP, music and assistant code live in their own modules
//! and know nothing of nice-plug.

use std::num::NonZeroU32;
use std::sync::Arc;

use nice_plug::prelude::*;
use nice_plug_egui::EguiEditorState;

pub mod assistant;
pub mod dsp;
pub mod editor;
pub mod music;
pub mod params;
pub mod standalone_control;

use dsp::OutputStage;
use params::DaiwParams;

/// The plugin's name as hosts list it.
pub const PLUGIN_NAME: &str = "DAiW Music Brain";
/// The CLAP plugin id.
pub const CLAP_ID: &str = "com.daiw.music-brain";

/// One plugin instance: parameters, editor state and the audio-thread DSP.
pub struct DaiwPlugin {
    params: Arc<DaiwParams>,
    editor_state: Arc<EguiEditorState>,
    output: OutputStage,
    /// Copy of the input per channel, sized in `activate`, so bypass can crossfade to it.
    dry: Vec<Vec<f32>>,
    /// The largest block the dry buffers hold; bigger host blocks are processed in chunks.
    max_block: usize,
    sample_rate: f32,
}

impl Default for DaiwPlugin {
    fn default() -> Self {
        Self {
            params: Arc::new(DaiwParams::default()),
            editor_state: editor::default_state(),
            output: OutputStage::default(),
            dry: Vec::new(),
            max_block: 0,
            sample_rate: 48_000.0,
        }
    }
}

impl DaiwPlugin {
    /// Processes `frames` samples starting at `offset` in every channel.
    fn process_chunk(&mut self, channels: &mut [&mut [f32]], offset: usize, frames: usize) {
        let channel_count = channels.len().min(self.dry.len());
        for (channel, dry) in channels.iter().zip(self.dry.iter_mut()) {
            dry[..frames].copy_from_slice(&channel[offset..offset + frames]);
        }
        // A fixed-size array of slices keeps this allocation-free; we have at most two channels.
        let mut dry_refs: [&[f32]; 2] = [&[], &[]];
        for (slot, dry) in dry_refs.iter_mut().zip(self.dry.iter()) {
            *slot = &dry[..frames];
        }
        let mut chunk: [&mut [f32]; 2] = [&mut [], &mut []];
        for (slot, channel) in chunk.iter_mut().zip(channels.iter_mut()) {
            *slot = &mut channel[offset..offset + frames];
        }
        self.output.process(
            &mut chunk[..channel_count],
            &dry_refs[..channel_count],
            frames,
            self.params.output_gain.value(),
            self.params.bypass.value(),
        );
    }
}

impl Plugin for DaiwPlugin {
    const NAME: &'static str = PLUGIN_NAME;
    const VENDOR: &'static str = "DAiW";
    const URL: &'static str = "https://example.invalid/daiw";
    const EMAIL: &'static str = "daiw@example.invalid";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(1),
            ..AudioIOLayout::const_default()
        },
    ];

    // Held notes will drive tuning targets; the backing track's notes go out as MIDI.
    const MIDI_INPUT: MidiConfig = MidiConfig::Basic;
    const MIDI_OUTPUT: MidiConfig = MidiConfig::Basic;
    const SAMPLE_ACCURATE_AUTOMATION: bool = false;

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = editor::DaiwEditor;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        if standalone_control::headless() {
            return None;
        }
        editor::create(self.params.clone(), self.editor_state.clone())
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let channels = audio_io_layout
            .main_output_channels
            .map(NonZeroU32::get)
            .unwrap_or(0)
            .min(2) as usize;
        self.sample_rate = buffer_config.sample_rate;
        self.max_block = (buffer_config.max_buffer_size as usize).max(1);
        self.dry = vec![vec![0.0; self.max_block]; channels];
        self.output.reset(
            self.sample_rate,
            self.params.output_gain.value(),
            self.params.bypass.value(),
        );
        true
    }

    fn reset(&mut self) {
        self.output.reset(
            self.sample_rate,
            self.params.output_gain.value(),
            self.params.bypass.value(),
        );
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        // MIDI targets are wired by the voice DSP; until then incoming notes are consumed.
        while context.next_event().is_some() {}

        let frames = buffer.samples();
        if self.max_block == 0 || self.dry.is_empty() {
            return ProcessStatus::Normal;
        }
        let channels = buffer.as_slice();
        let mut offset = 0;
        while offset < frames {
            let chunk = (frames - offset).min(self.max_block);
            self.process_chunk(channels, offset, chunk);
            offset += chunk;
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for DaiwPlugin {
    const CLAP_ID: &'static str = CLAP_ID;
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Vocal pitch correction and voice design with an offline assistant");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Stereo,
        ClapFeature::Mono,
        ClapFeature::PitchCorrection,
        ClapFeature::PitchShifter,
    ];
}

impl Vst3Plugin for DaiwPlugin {
    const VST3_CLASS_ID: [u8; 16] = *b"DAiWMusicBrain01";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::PitchShift,
        Vst3SubCategory::Stereo,
    ];
}

nice_export_clap!(DaiwPlugin);
nice_export_vst3!(DaiwPlugin);
