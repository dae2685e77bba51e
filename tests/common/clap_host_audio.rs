//! The audio thread's side of a run: the process loop, with parameter changes and notes
//! delivered as events at their sample, the transport, optional real-time pacing, and the notes
//! the plugin sends back.

use clack_host::events::event_types::{
    MidiEvent, NoteOffEvent, NoteOnEvent, ParamValueEvent, TransportEvent, TransportFlags,
};
use clack_host::events::spaces::CoreEventSpace;
use clack_host::events::{EventFlags, EventHeader, Match};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};
use std::thread;
use std::time::{Duration, Instant};

use super::handlers::TestHost;
use super::types::*;
use super::{thread_cpu_time, IS_AUDIO_THREAD};

fn specific(m: Match<u16>) -> u16 {
    match m {
        Match::Specific(v) => v,
        Match::All => u16::MAX,
    }
}

/// A note the plugin sent `time` samples into the block that starts at `position`.
fn note_out(position: usize, time: u32, key: Match<u16>, channel: Match<u16>, on: bool) -> NoteOut {
    NoteOut {
        sample: position + time as usize,
        on,
        key: specific(key),
        channel: specific(channel),
    }
}

/// What a run delivers as input events, each list sorted by sample.
#[derive(Clone, Copy)]
pub(super) struct Events<'a> {
    /// Parameter changes.
    pub changes: &'a [ParamChange],
    /// Notes into the plugin's note input.
    pub notes: &'a [NoteIn],
}

impl Events<'_> {
    /// Pushes every event of the block `position..end` (offsets from `position`), in time
    /// order, starting from the `next` unsent change and note; returns the new `next`.
    fn push_block(
        &self,
        buffer: &mut EventBuffer,
        position: usize,
        end: usize,
        mut next: (usize, usize),
    ) -> (usize, usize) {
        // An event scheduled before this block (impossible with sorted input) lands at 0.
        let offset = |sample: usize| {
            u32::try_from(sample.saturating_sub(position)).expect("an in-block offset fits in u32")
        };
        loop {
            let change = self.changes.get(next.0).filter(|c| c.sample < end);
            let note = self.notes.get(next.1).filter(|n| n.sample < end);
            match (change, note) {
                (Some(c), n) if n.is_none_or(|n| c.sample <= n.sample) => {
                    buffer.push(&ParamValueEvent::new(
                        offset(c.sample),
                        c.param_id,
                        Pckn::match_all(),
                        c.value,
                    ));
                    next.0 += 1;
                }
                (_, Some(n)) => {
                    let pckn = Pckn::new(0u16, n.channel, n.key, Match::All);
                    if let Some((cc, value)) = n.control {
                        // Control change status byte: 0xB0 plus the channel.
                        let status = 0xB0 | (n.channel & 0x0f) as u8;
                        buffer.push(&MidiEvent::new(offset(n.sample), 0, [status, cc, value]));
                    } else if n.on {
                        buffer.push(&NoteOnEvent::new(offset(n.sample), pckn, 1.0));
                    } else {
                        buffer.push(&NoteOffEvent::new(offset(n.sample), pckn, 0.0));
                    }
                    next.1 += 1;
                }
                _ => return next,
            }
        }
    }
}

/// The audio thread's side of [`Plugin::run`]; returns the stopped processor in every case.
pub(super) fn process_on_audio_thread(
    processor: StoppedPluginAudioProcessor<TestHost>,
    signal: &mut Signal,
    blocks: BlockPattern,
    events: Events<'_>,
    options: RunOptions,
    sample_rate: f64,
) -> (
    StoppedPluginAudioProcessor<TestHost>,
    Result<RunStats, String>,
) {
    IS_AUDIO_THREAD.with(|flag| flag.set(true));
    let mut processor = match processor.start_processing() {
        Ok(processor) => processor,
        Err(e) => {
            let message = format!("start_processing failed: {e}");
            return (e.into_stopped_processor(), Err(message));
        }
    };

    // Everything the loop needs is allocated here, before the first process call.
    let channels = signal.input.len();
    let frames = signal.frames();
    let mut input_ports = AudioPorts::with_capacity(channels, 1);
    let mut output_ports = AudioPorts::with_capacity(channels, 1);
    let mut input_events =
        EventBuffer::with_capacity((events.changes.len() + events.notes.len()).max(1));
    let mut output_events = EventBuffer::with_capacity(1024);
    let mut stats = RunStats {
        notes: Vec::with_capacity(1 << 16),
        process_times: Vec::with_capacity(frames / blocks.size(0).max(1) + 16),
        process_cpu_times: Vec::with_capacity(frames / blocks.size(0).max(1) + 16),
        ..RunStats::default()
    };
    let run_started = Instant::now();
    let mut next_event = (0, 0);
    let mut position = 0;
    let mut result = Ok(());

    while position < frames {
        let end = frames.min(position + blocks.size(stats.process_calls));

        input_events.clear();
        next_event = events.push_block(&mut input_events, position, end, next_event);
        output_events.clear();

        let inputs = input_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(
                signal
                    .input
                    .iter_mut()
                    .map(|channel| InputChannel::variable(&mut channel[position..end])),
            ),
        }]);
        let mut outputs = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                signal
                    .output
                    .iter_mut()
                    .map(|channel| &mut channel[position..end]),
            ),
        }]);

        let transport = options.transport.map(|t| {
            let mut beat = t.start_beat + position as f64 * t.tempo / 60.0 / sample_rate;
            let mut flags = TransportFlags::HAS_TEMPO | TransportFlags::HAS_BEATS_TIMELINE;
            if let Some((start, end)) = t.loop_beats {
                if beat >= end {
                    beat = start + (beat - start).rem_euclid(end - start);
                }
                flags |= TransportFlags::IS_LOOP_ACTIVE;
            }
            if t.playing {
                flags |= TransportFlags::IS_PLAYING;
            }
            TransportEvent {
                header: EventHeader::new_core(0, EventFlags::empty()),
                flags,
                song_pos_beats: BeatTime::from_float(beat),
                song_pos_seconds: SecondsTime::from_float(beat * 60.0 / t.tempo),
                tempo: t.tempo,
                tempo_inc: 0.0,
                loop_start_beats: BeatTime::from_float(t.loop_beats.map_or(0.0, |l| l.0)),
                loop_end_beats: BeatTime::from_float(t.loop_beats.map_or(0.0, |l| l.1)),
                loop_start_seconds: SecondsTime::from_int(0),
                loop_end_seconds: SecondsTime::from_int(0),
                bar_start: BeatTime::from_float((beat / 4.0).floor() * 4.0),
                bar_number: (beat / 4.0).floor() as i32,
                time_signature_numerator: 4,
                time_signature_denominator: 4,
            }
        });
        if options.real_time {
            // A sound card asks for the next block when the previous one has played.
            let due = Duration::from_secs_f64(position as f64 / sample_rate);
            if let Some(wait) = due.checked_sub(run_started.elapsed()) {
                thread::sleep(wait);
            }
        }
        let call_started = Instant::now();
        let cpu_started = thread_cpu_time();
        let status = processor.process(
            &inputs,
            &mut outputs,
            &input_events.as_input(),
            &mut output_events.as_output(),
            Some(position as u64),
            transport.as_ref(),
        );
        stats.process_times.push(call_started.elapsed());
        stats
            .process_cpu_times
            .push(thread_cpu_time().saturating_sub(cpu_started));
        for event in output_events.iter() {
            match event.as_core_event() {
                Some(CoreEventSpace::NoteOn(e)) => stats.notes.push(note_out(
                    position,
                    e.header().time(),
                    e.key(),
                    e.channel(),
                    true,
                )),
                Some(CoreEventSpace::NoteOff(e)) => stats.notes.push(note_out(
                    position,
                    e.header().time(),
                    e.key(),
                    e.channel(),
                    false,
                )),
                _ => {}
            }
        }
        stats.process_calls += 1;
        match status {
            Ok(ProcessStatus::Sleep) => stats.sleep_statuses += 1,
            Ok(_) => {}
            Err(e) => {
                result = Err(format!(
                    "process call #{} (frames {position}..{end}) failed: {e}",
                    stats.process_calls
                ));
                break;
            }
        }
        stats.output_events += output_events.len();
        position = end;
    }

    let processor = processor.stop_processing();
    IS_AUDIO_THREAD.with(|flag| flag.set(false));
    (processor, result.map(|()| stats))
}
