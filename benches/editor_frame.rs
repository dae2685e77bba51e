//! Cost of one editor frame: the whole window (title, chat, pitch graph, every control) laid
//! out and tessellated headless in a raw egui context, with 30 s of a sung phrase (the
//! synthetic singer through the real voice chain) in the graph at its widest zoom, and with
//! the graph silent. What a host's GUI thread pays per redraw (the window redraws every 33 ms).
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::dsp::{AnalysisFrame, VoiceChain, VoiceSettings};
use daiw::editor::pitch_view::{analysis_queue, ZOOM_MAX_SECONDS};
use daiw::editor::session::Session;
use daiw::params::DaiwParams;
use nice_plug::prelude::{GuiContextInner, ParamSetter};

/// A host stand-in: the bench moves no parameters.
struct NoHost;

impl GuiContextInner for NoHost {
    fn plugin_api(&self) -> nice_plug::prelude::PluginApi {
        nice_plug::prelude::PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: nice_plug::params::internals::ParamPtr) {}
    unsafe fn raw_set_parameter_normalized(
        &self,
        _param: nice_plug::params::internals::ParamPtr,
        _normalized: f32,
    ) {
    }
    unsafe fn raw_end_set_parameter(&self, _param: nice_plug::params::internals::ParamPtr) {}
    fn get_state(&self) -> nice_plug::prelude::PluginState {
        unreachable!("the editor never asks for the state")
    }
    fn set_state(&self, _state: nice_plug::prelude::PluginState) {
        unreachable!("the editor never sets the state")
    }
    fn request_restart(&self) {}
}

/// The phrase's analysis frames as the audio thread sends them.
fn phrase_frames() -> Vec<AnalysisFrame> {
    let performance = sing(&test_phrase(57.0), &SingerConfig::default());
    let mut chain = VoiceChain::default();
    chain.set_settings(&VoiceSettings::default());
    chain.prepare(performance.sample_rate, 512);
    let mut audio = performance.samples.clone();
    let mut frames = Vec::new();
    for block in audio.chunks_mut(512) {
        chain.process(&mut [block]);
        chain.drain_analysis(|f| frames.push(f));
    }
    frames
}

fn session(params: &DaiwParams, frames: &[AnalysisFrame]) -> Session {
    let (_tx, analysis) = analysis_queue();
    let (patterns, _audio) = daiw::plugin::backing_link::pattern_queues();
    let mut session = Session::new(
        analysis,
        patterns,
        Arc::new(daiw::plugin::backing_link::BackingShared::default()),
        params.saved.clone(),
    );
    session.pitch.zoom_seconds = ZOOM_MAX_SECONDS;
    let span = frames.last().map_or(1.0, |f| f.time_seconds) + 0.01;
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
    session
}

fn bench_editor_frame(c: &mut Criterion) {
    let frames = phrase_frames();
    let mut group = c.benchmark_group("editor_frame");
    for (name, frames) in [("full_graph_30s", &frames[..]), ("silent", &[][..])] {
        let params = DaiwParams::default();
        let mut session = session(&params, frames);
        let ctx = egui::Context::default();
        let mut time = 0.0;
        group.bench_function(name, |b| {
            b.iter(|| {
                time += 1.0 / 30.0;
                let input = egui::RawInput {
                    screen_rect: Some(egui::Rect::from_min_size(
                        egui::Pos2::ZERO,
                        egui::vec2(1100.0, 680.0),
                    )),
                    time: Some(time),
                    ..Default::default()
                };
                let mut output = ctx.run_ui(input, |ui| {
                    let setter = ParamSetter::new(&NoHost);
                    daiw::editor::draw_window(ui, &params, &setter, &mut session);
                });
                output.textures_delta.clear();
                ctx.tessellate(output.shapes, output.pixels_per_point)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_editor_frame);
criterion_main!(benches);
