//! Cost of one editor frame: the whole window (title, chat, pitch graph, every control) laid
//! out and tessellated headless in a raw egui context, with 30 s of a sung phrase (the
//! synthetic singer through the real voice chain) in the graph at its widest zoom, and with
//! the graph silent. What a host's GUI thread pays per redraw (the window redraws every 33 ms).
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]
#[path = "../tests/support/editor.rs"]
mod editor_support;

use criterion::{criterion_group, criterion_main, Criterion};
use daiw::dsp::VoiceSettings;
use daiw::params::DaiwParams;
use editor_support::{fill_pitch_view, phrase_frames, TestHost};
use nice_plug::prelude::ParamSetter;

fn bench_editor_frame(c: &mut Criterion) {
    let frames = phrase_frames(&VoiceSettings::default());
    let host = TestHost::default();
    let mut group = c.benchmark_group("editor_frame");
    for (name, frames) in [("full_graph_30s", &frames[..]), ("silent", &[][..])] {
        let params = DaiwParams::default();
        let (mut session, _analysis) = editor_support::session(&params);
        fill_pitch_view(&mut session, frames);
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
                    let setter = ParamSetter::new(&host);
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
