//! The plugin glue: `DaiwPlugin` wires the parameters, the DSP units, the backing player and
//! the window together for nice-plug, plus what only the plugin needs: its saved state (and the
//! repair of a state a host or a file hands it), the backing clock and pattern hand-off, and
//! the standalone's switches.

pub mod backing_clock;
pub mod backing_link;
pub mod chord_follow;
pub mod lookahead;
pub mod midi_chords;
pub mod midi_out;
pub mod midi_schedule;
pub mod standalone_control;
pub mod state;
pub mod state_repair;
pub mod voice_midi;

use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use nice_plug::prelude::*;
use parking_lot::Mutex;
use ringbuf::traits::Producer;

use crate::dsp::backing_player::{BackingPlayer, Clock, NoteMessage};
use crate::dsp::voice_chain::MAX_CHORD_CHANGES;
use crate::dsp::{OutputStage, VoiceChain};
use crate::editor::pitch_view::{analysis_queue, AnalysisProducer};
use crate::editor::session::Session;
use crate::params::DaiwParams;
use backing_clock::{BackingClock, ClockInputs};
use backing_link::{pattern_queues, player_pattern, BackingShared, PatternReceiver};
use chord_follow::{BlockChords, Segment, MAX_SEGMENTS};
use lookahead::Lookahead;
use midi_chords::{ChordHold, HeldNotes};
use midi_out::MidiOut;
use voice_midi::VoiceMidi;

/// The plugin's name as hosts list it.
pub const PLUGIN_NAME: &str = "DAiW Music Brain";
/// The CLAP plugin id.
pub const CLAP_ID: &str = "com.daiw.music-brain";

/// One plugin instance: parameters, editor state and the audio-thread DSP. `MIDI_CCS`: whether
/// the MIDI input takes control changes (the sustain pedal, all notes off): on for CLAP and the
/// standalone; off for VST3 (see [`DaiwVst3Plugin`]).
pub struct DaiwPlugin<const MIDI_CCS: bool = true> {
    params: Arc<DaiwParams>,
    voice: VoiceChain,
    output: OutputStage,
    sample_rate: f32,
    /// The audio thread's end of the pitch view's ring (pushes never allocate; full drops).
    analysis_tx: AnalysisProducer,
    /// The window's state and the assistant worker; only the GUI thread locks it.
    session: Arc<Mutex<Session>>,
    /// The backing synth and sequencer.
    backing: BackingPlayer,
    /// New patterns from the GUI, old ones back to it.
    patterns: PatternReceiver,
    /// Preview flag and play position, shared with the window.
    backing_shared: Arc<BackingShared>,
    /// Host transport or free clock for the backing.
    clock: BackingClock,
    /// Voice to MIDI's lookahead: the output delay and the backing notes waiting with it; it
    /// knows the latency reported to the host (the chain's plus the lookahead while on).
    lookahead: Lookahead,
    /// Notes held on the MIDI input, at their sample in the block.
    held_notes: HeldNotes,
    /// The chord held on the MIDI input, kept a moment after release.
    chord_hold: ChordHold,
    /// Voice to MIDI: the sung notes on the MIDI output.
    voice_midi: VoiceMidi,
    /// The block's outgoing notes, sent in timing order.
    midi_out: MidiOut,
}

/// The VST3 build: its MIDI input takes notes only. A VST3 plugin can only get CCs as nice-plug's
/// 16 x 130 extra (hidden, read-only) MIDI-mapping parameters, and JUCE's VST3 hosting lists
/// them and looks each one up by a walk over all of them: the bundle took 63-77 s to load in
/// `tests/hosts/vst3_host.py` (pedalboard) instead of about a second, and showed 2111
/// parameters. The sustain pedal works in CLAP and the standalone.
pub type DaiwVst3Plugin = DaiwPlugin<false>;

impl<const MIDI_CCS: bool> Default for DaiwPlugin<MIDI_CCS> {
    fn default() -> Self {
        let (analysis_tx, analysis_rx) = analysis_queue();
        let (pattern_tx, patterns) = pattern_queues();
        let backing_shared = Arc::new(BackingShared::default());
        let params = Arc::new(DaiwParams::default());
        Self {
            params: params.clone(),
            voice: VoiceChain::default(),
            output: OutputStage::default(),
            sample_rate: 48_000.0,
            analysis_tx,
            session: Arc::new(Mutex::new(
                Session::new(
                    analysis_rx,
                    pattern_tx,
                    backing_shared.clone(),
                    params.saved.clone(),
                )
                .with_window_store(params.window.clone()),
            )),
            backing: BackingPlayer::default(),
            patterns,
            backing_shared,
            clock: BackingClock::default(),
            lookahead: Lookahead::default(),
            held_notes: HeldNotes::default(),
            chord_hold: ChordHold::default(),
            voice_midi: VoiceMidi::default(),
            midi_out: MidiOut::default(),
        }
    }
}

impl<const MIDI_CCS: bool> DaiwPlugin<MIDI_CCS> {
    /// Records a held or released MIDI note at its sample (offsets past a `frames`-sample block
    /// land on its last sample): the notes are targets with "MIDI Targets", the MIDI harmony
    /// mode's notes, and two or more make the chord Follow Chords follows without a backing.
    fn handle_midi(&mut self, event: NoteEvent<()>, frames: usize) {
        let offset = (event.timing() as usize).min(frames.saturating_sub(1));
        let notes = &mut self.held_notes;
        match event {
            NoteEvent::NoteOn { key, velocity, .. } => match key.number() {
                Some(note) if velocity > 0.0 => notes.note_on(offset, note),
                Some(note) => notes.note_off(offset, note),
                None => {}
            },
            // A wildcard key releases every note (CLAP's "all notes off").
            NoteEvent::NoteOff { key, .. } => match key.number() {
                Some(note) => notes.note_off(offset, note),
                None => notes.all_off(offset),
            },
            // The sustain pedal keeps released notes held; CC 120/123 release everything.
            NoteEvent::MidiCC { cc, value, .. } => notes.control_change(offset, cc, value),
            _ => {}
        }
    }
}

impl<const MIDI_CCS: bool> Plugin for DaiwPlugin<MIDI_CCS> {
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

    // Held notes drive tuning targets and held chords; CCs carry the sustain pedal (CC 64) and
    // all notes off (CC 123) where they cost nothing (CLAP, standalone; see `DaiwVst3Plugin`).
    const MIDI_INPUT: MidiConfig = if MIDI_CCS {
        MidiConfig::MidiCCs
    } else {
        MidiConfig::Basic
    };
    const MIDI_OUTPUT: MidiConfig = MidiConfig::Basic;
    const SAMPLE_ACCURATE_AUTOMATION: bool = false;

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = crate::editor::DaiwEditor;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn filter_state(state: &mut PluginState) {
        // A project or preset may hold values no host or file should be trusted with.
        for repair in state_repair::repair_params(state) {
            nice_warn!("DAiW state repaired: {repair}");
        }
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        if standalone_control::headless() {
            return None;
        }
        crate::editor::create(
            self.params.clone(),
            // The size saved with the project (the store was loaded with the state).
            self.params.window.editor_state(),
            self.session.clone(),
        )
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        self.sample_rate = buffer_config.sample_rate;
        self.voice.set_settings(&self.params.voice_settings());
        self.voice
            .prepare(self.sample_rate, buffer_config.max_buffer_size as usize);
        let latency = self.lookahead.prepare(
            self.sample_rate,
            buffer_config.max_buffer_size as usize,
            self.voice.latency_samples() as u32,
            self.params.voice_midi.enabled.value(),
        );
        context.set_latency_samples(latency);
        self.voice_midi.prepare(
            self.sample_rate,
            buffer_config.max_buffer_size as usize,
            latency as usize,
        );
        self.output
            .reset(self.sample_rate, self.params.output_gain_db());
        self.backing
            .prepare(self.sample_rate, buffer_config.max_buffer_size as usize);
        self.held_notes.clear();
        self.chord_hold.prepare(self.sample_rate);
        // A project's backing comes back here, before any audio (allocation is allowed).
        let saved = self.params.saved.get().backing;
        let pattern = saved.and_then(|spec| spec.generate().ok());
        let old = self
            .backing
            .swap_pattern(pattern.map(|p| Box::new(player_pattern(&p))), &mut |_| {});
        drop(old);
        true
    }

    fn reset(&mut self) {
        // Called from the audio thread (transport jumps, offline bounces, a re-enabled track):
        // every unit forgets what it heard, in place, so nothing of the last take's tail
        // sounds after it.
        self.voice.clear();
        self.voice.all_notes_off();
        self.held_notes.clear();
        self.chord_hold.clear();
        // The chain's clock restarts; a sung note still sounding gets its note-off next block.
        self.voice_midi.clear();
        self.lookahead.clear();
        self.backing.clear();
        self.output
            .reset(self.sample_rate, self.params.output_gain_db());
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let frames = buffer.samples();
        self.held_notes.begin_block();
        while let Some(event) = context.next_event() {
            self.handle_midi(event, frames);
        }
        self.voice.set_settings(&self.params.voice_settings());

        // What the host's transport says, read before the note gathering borrows the context.
        let transport = context.transport();
        let host = transport
            .pos_beats()
            .zip(transport.tempo)
            .map(|(beat, tempo)| (transport.playing, beat, tempo));
        let playing = transport.playing;
        let real_host = context.plugin_api() != PluginApi::Standalone;

        // Every note of the block (backing and voice) is gathered and sent in timing order.
        let tune = &self.params.tune;
        let voice_midi_inputs = voice_midi::BlockInputs {
            enabled: self.params.voice_midi.enabled.value() && !self.params.bypass.value(),
            channel: self.params.voice_midi.channel_index(),
            playing,
            tuning: tune
                .enabled
                .value()
                .then(|| (tune.key.value(), tune.scale.value())),
            note_mask: tune.note_mask.value().clamp(0, 0x0fff) as u16,
        };
        // Voice to MIDI's switch sets the lookahead; a change is a latency change for the host.
        let midi_out = &mut self.midi_out;
        let switch = self.params.voice_midi.enabled.value();
        // At the block's start the gathering buffer is empty and holds more than can wait.
        let changed = self.lookahead.begin_block(switch, &mut |event| {
            let _ = midi_out.push(event);
        });
        if let Some(latency) = changed {
            context.set_latency_samples(latency);
            self.voice_midi.set_latency(latency as usize);
        }
        let midi_out = &mut self.midi_out;
        let mut gather = |event: NoteEvent<()>| {
            if let Some(overflow) = midi_out.push(event) {
                let _ = context.try_send_event(overflow);
            }
        };
        self.voice_midi
            .begin_block(voice_midi_inputs, frames, &mut gather);

        // Backing: take a new pattern if one waits (its predecessor goes back to the GUI),
        // then render this block against the clock, sending its notes as MIDI.
        let backing = &mut self.backing;
        let lookahead = &mut self.lookahead;
        self.patterns.receive(|p| {
            backing.swap_pattern(Some(p), &mut |m: NoteMessage| {
                lookahead.backing_note(m, &mut gather)
            })
        });
        let clock = self.clock.next(ClockInputs {
            enabled: self.params.backing.enabled.value(),
            bypass: self.params.bypass.value(),
            follow_host: self.params.backing.follow_host.value(),
            real_host,
            host,
            preview: self.backing_shared.preview.load(Ordering::Relaxed),
            restart: self.backing_shared.restart.swap(false, Ordering::Relaxed),
            pattern_tempo: self.backing.pattern().map_or(120.0, |p| p.tempo_bpm),
            latency: self.lookahead.chain_latency(),
            sample_rate: f64::from(self.sample_rate),
            frames,
        });
        // The chords the voice follows come from the same clock as the backing heard with it.
        let mut changes = [(0, None); MAX_CHORD_CHANGES];
        let count =
            chord_follow::chord_changes(clock, self.backing.pattern(), frames, &mut changes);
        let level = if matches!(clock, Clock::Running { .. }) {
            util::db_to_gain(self.params.backing.level_db.value())
        } else {
            0.0
        };
        self.backing_shared
            .set_position(match (clock, self.backing.pattern()) {
                (Clock::Running { beat, .. }, Some(p)) => {
                    let length = f64::from(p.length_ticks);
                    (beat * f64::from(p.ppq)).rem_euclid(length) / length
                }
                _ => f64::NAN,
            });
        let (backing_left, backing_right) =
            self.backing
                .process(frames, clock, level, &mut |m: NoteMessage| {
                    self.lookahead.backing_note(m, &mut gather)
                });

        // The chord the voice follows: the backing's while it plays, else the one held on the
        // MIDI input; each change on its own sample.
        let tune = self.voice.settings().tune;
        let mut segments = [Segment::default(); MAX_SEGMENTS];
        let stretches = chord_follow::segments(
            BlockChords {
                backing: &changes[..count.min(MAX_CHORD_CHANGES)],
                notes: self.held_notes.changes(),
                key: (tune.key, tune.scale),
                frames,
            },
            &mut self.chord_hold,
            &mut segments,
        );
        self.backing_shared
            .held_chord
            .publish(self.chord_hold.notes());
        let channels = buffer.as_slice();
        chord_follow::play(&mut self.voice, channels, &segments[..stretches]);
        let analysis_tx = &mut self.analysis_tx;
        let voice_midi = &mut self.voice_midi;
        self.voice.drain_analysis(|frame| {
            // A full ring (window closed or slow) drops the frame: the view is best effort.
            let _ = analysis_tx.try_push(frame);
            voice_midi.frame(&frame, &mut gather);
        });
        self.voice_midi.end_block(&mut gather);
        match channels {
            [left, right, ..] => {
                for (out, b) in left.iter_mut().zip(backing_left) {
                    *out += b;
                }
                for (out, b) in right.iter_mut().zip(backing_right) {
                    *out += b;
                }
            }
            [mono] => {
                for ((out, l), r) in mono.iter_mut().zip(backing_left).zip(backing_right) {
                    *out += 0.5 * (l + r);
                }
            }
            [] => {}
        }
        self.output
            .process(channels, frames, self.params.output_gain_db());
        // Voice to MIDI's lookahead delays the finished output and the backing's notes alike.
        self.lookahead.end_block(channels, frames, &mut gather);
        self.midi_out.flush(|event| {
            let _ = context.try_send_event(event);
        });
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

impl Vst3Plugin for DaiwVst3Plugin {
    const VST3_CLASS_ID: [u8; 16] = *b"DAiWMusicBrain01";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::PitchShift,
        Vst3SubCategory::Stereo,
    ];
}
