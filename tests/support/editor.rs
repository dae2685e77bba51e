//! The editor harness setup the window tests and the editor bench share: a stand-in host that
//! moves parameters directly (and counts the gestures, as a host records them), a session
//! without a worker wired as the plugin wires it, a sung phrase's analysis frames through the
//! real voice chain, and a pitch view filled with it.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::dsp::{AnalysisFrame, VoiceChain, VoiceSettings};
use daiw::editor::pitch_view::{analysis_queue, AnalysisProducer, ZOOM_MAX_SECONDS};
use daiw::editor::session::Session;
use daiw::params::DaiwParams;
use daiw::plugin::backing_link::{pattern_queues, BackingShared};
use nice_plug::params::internals::ParamPtr;
use nice_plug::prelude::{GuiContextInner, PluginApi, PluginState};

/// A stand-in for the host's side of the editor: parameter gestures move the parameters
/// directly and are counted (begin / set / end), as a host would record them.
#[derive(Default)]
pub struct TestHost {
    /// Gestures begun so far.
    pub gestures: AtomicUsize,
}

impl TestHost {
    /// Gestures begun so far.
    pub fn gestures(&self) -> usize {
        self.gestures.load(Ordering::Relaxed)
    }
}

impl GuiContextInner for TestHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {
        self.gestures.fetch_add(1, Ordering::Relaxed);
    }

    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        // SAFETY: the parameters outlive the frames that draw them.
        unsafe {
            param._internal_set_normalized_value(normalized);
        }
    }

    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {}

    fn get_state(&self) -> PluginState {
        unreachable!("the editor never asks for the state")
    }

    fn set_state(&self, _state: PluginState) {
        unreachable!("the editor never sets the state")
    }

    fn request_restart(&self) {}
}

/// The window's session for `params` as the plugin wires it, without a worker (so the chat's
/// status is the same on every run), and the audio side of its analysis ring.
pub fn session(params: &DaiwParams) -> (Session, AnalysisProducer) {
    let (analysis, analysis_rx) = analysis_queue();
    let (patterns, _audio) = pattern_queues();
    let session = Session::new(
        analysis_rx,
        patterns,
        Arc::new(BackingShared::default()),
        params.saved.clone(),
    );
    (session, analysis)
}

/// The analysis frames of the synthetic singer's test phrase (around A3, 48 kHz) run through
/// the real voice chain with `settings`, as the audio thread sends them to the window.
pub fn phrase_frames(settings: &VoiceSettings) -> Vec<AnalysisFrame> {
    let config = SingerConfig {
        sample_rate: 48_000.0,
        ..SingerConfig::default()
    };
    let performance = sing(&test_phrase(57.0), &config);
    let mut chain = VoiceChain::default();
    chain.set_settings(settings);
    chain.prepare(performance.sample_rate, 512);
    let mut audio = performance.samples.clone();
    let mut frames = Vec::new();
    for block in audio.chunks_mut(512) {
        chain.process(&mut [block]);
        chain.drain_analysis(|f| frames.push(f));
    }
    frames
}

/// Zooms the pitch view out to its widest and fills it with `frames` repeated (a hop apart)
/// until it holds that many seconds of singing.
pub fn fill_pitch_view(session: &mut Session, frames: &[AnalysisFrame]) {
    session.pitch.zoom_seconds = ZOOM_MAX_SECONDS;
    let span = frames.last().map_or(1.0, |f| f.time_seconds) + 0.004;
    let mut offset = 0.0;
    while !frames.is_empty() && offset < ZOOM_MAX_SECONDS {
        for f in frames {
            session.pitch.push(AnalysisFrame {
                time_seconds: f.time_seconds + offset,
                ..*f
            });
        }
        offset += span;
    }
}
