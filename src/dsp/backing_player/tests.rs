//! Unit tests of the player: notes on the exact sample at any tempo and rate, locating and
//! looping, wrapping and swapping patterns without losing note-offs, the level and a garbage
//! clock.
use super::*;

const SR: f32 = 48_000.0;

/// Four quarter-note kicks and a two-beat bass note per 4/4 bar, one bar long.
fn one_bar() -> Box<PlayerPattern> {
    let mut notes: Vec<PlayerNote> = (0..4)
        .map(|b| PlayerNote {
            tick: b * 480,
            duration: 60,
            part: VoicePart::Drums,
            note: 36,
            velocity: 100,
        })
        .collect();
    notes.push(PlayerNote {
        tick: 960,
        duration: 960,
        part: VoicePart::Bass,
        note: 40,
        velocity: 90,
    });
    Box::new(PlayerPattern::new(480, 1920, 100.0, (33, 0), notes))
}

fn player() -> BackingPlayer {
    let mut p = BackingPlayer::default();
    p.prepare(SR, 512);
    let old = p.swap_pattern(Some(one_bar()), &mut |_| {});
    assert!(old.is_none());
    p
}

/// Runs `blocks` blocks of `frames` from `beat` at `bpm`, returning (absolute sample, msg).
fn run(
    p: &mut BackingPlayer,
    beat: f64,
    bpm: f64,
    frames: usize,
    blocks: usize,
) -> Vec<(usize, NoteMessage)> {
    let bps = bpm / 60.0 / SR as f64;
    let mut out = Vec::new();
    for b in 0..blocks {
        let clock = Clock::Running {
            beat: beat + (b * frames) as f64 * bps,
            beats_per_sample: bps,
        };
        p.process(frames, clock, 1.0, &mut |m| {
            out.push((b * frames + m.offset as usize, m))
        });
    }
    out
}

#[test]
fn notes_start_and_end_on_the_exact_sample() {
    let mut p = player();
    // 120 bpm: a beat is 24000 samples, a tick 50 samples. Odd block size on purpose.
    let msgs = run(&mut p, 0.0, 120.0, 333, 300);
    let kicks: Vec<usize> = msgs
        .iter()
        .filter(|(_, m)| m.note == 36 && m.velocity.is_some())
        .map(|(s, _)| *s)
        .collect();
    assert_eq!(&kicks[..5], &[0, 24_000, 48_000, 72_000, 96_000]);
    let kick_offs: Vec<usize> = msgs
        .iter()
        .filter(|(_, m)| m.note == 36 && m.velocity.is_none())
        .map(|(s, _)| *s)
        .collect();
    assert_eq!(&kick_offs[..2], &[3000, 27_000], "60 ticks = 3000 samples");
    let bass: Vec<(usize, bool)> = msgs
        .iter()
        .filter(|(_, m)| m.channel == 0)
        .map(|(s, m)| (*s, m.velocity.is_some()))
        .collect();
    assert_eq!(&bass[..2], &[(48_000, true), (96_000, false)]);
    assert!(msgs.iter().all(|(_, m)| m.channel == 9 || m.channel == 0));
}

#[test]
fn odd_tempo_and_rate_still_land_on_the_first_sample_at_or_after_each_note() {
    let mut p = BackingPlayer::default();
    p.prepare(44_100.0, 512);
    p.swap_pattern(Some(one_bar()), &mut |_| {});
    let bpm = 97.3;
    let bps = bpm / 60.0 / 44_100.0;
    let mut starts = Vec::new();
    for b in 0..1200 {
        let clock = Clock::Running {
            beat: 0.25 + (b * 100) as f64 * bps,
            beats_per_sample: bps,
        };
        p.process(100, clock, 1.0, &mut |m| {
            if m.velocity.is_some() {
                starts.push(b * 100 + m.offset as usize);
            }
        });
    }
    // Notes at beats 1, 2 (bass too), 3, then 4 (the next pass), ...: from beat 0.25.
    let tps = bps * 480.0;
    let expected: Vec<usize> = [480.0, 960.0, 960.0, 1440.0, 1920.0]
        .iter()
        .map(|tick: &f64| ((tick - 0.25 * 480.0) / tps - 1e-3).ceil() as usize)
        .collect();
    assert_eq!(&starts[..5], &expected[..]);
}

#[test]
fn locating_and_looping_reseek_and_release() {
    let mut p = player();
    // Start in the middle of the bass note (beat 2.5): it is not restarted mid-note, the
    // next kick (beat 3) comes on time.
    let msgs = run(&mut p, 2.5, 120.0, 500, 30);
    assert_eq!(msgs[0].0, 12_000);
    assert_eq!(msgs[0].1.note, 36);
    // Jump back to beat 0 (a host loop): everything held ends at the jump, then beat 0.
    let mut held = 0;
    let msgs = run(&mut p, 0.0, 120.0, 500, 1);
    for (s, m) in &msgs {
        if m.velocity.is_none() {
            held += 1;
            assert_eq!(*s, 0);
        }
    }
    assert!(held <= 2);
    assert!(msgs
        .iter()
        .any(|(s, m)| *s == 0 && m.note == 36 && m.velocity.is_some()));
    // Stopping releases the bass note, then silence follows once tails end.
    run(&mut p, 2.0, 120.0, 500, 1);
    let mut ends = Vec::new();
    p.process(500, Clock::Stopped, 1.0, &mut |m| ends.push(m));
    assert!(ends.iter().any(|m| m.channel == 0 && m.velocity.is_none()));
    for _ in 0..200 {
        p.process(500, Clock::Stopped, 1.0, &mut |_| {});
    }
    let (l, r) = p.process(500, Clock::Stopped, 1.0, &mut |_| {});
    assert!(l.iter().chain(r).all(|x| *x == 0.0));
    assert_eq!(p.active_voices(), 0);
}

#[test]
fn pattern_wraps_and_swaps_without_losing_note_offs() {
    let mut p = player();
    // Four bars at 100 bpm: 16 kicks, 4 bass notes, and every start has its end.
    let msgs = run(&mut p, 0.0, 100.0, 128, 4 * 4 * 60 * 48_000 / 100 / 128);
    let starts = msgs.iter().filter(|(_, m)| m.velocity.is_some()).count();
    let ends = msgs.iter().filter(|(_, m)| m.velocity.is_none()).count();
    assert_eq!(starts, 20);
    assert!(ends >= 19, "{ends}");
    let mut swapped_ends = 0;
    let old = p.swap_pattern(Some(one_bar()), &mut |m| {
        assert!(m.velocity.is_none());
        swapped_ends += 1;
    });
    assert!(
        old.is_some(),
        "the old pattern comes back to be dropped elsewhere"
    );
    assert_eq!(starts, ends + swapped_ends);
}

#[test]
fn output_follows_level_and_garbage_clock_is_silence() {
    let mut p = player();
    let bps = 120.0 / 60.0 / SR as f64;
    let clock = Clock::Running {
        beat: 0.0,
        beats_per_sample: bps,
    };
    let peak = |p: &mut BackingPlayer, level: f32| {
        let mut m = 0.0f32;
        for b in 0..20 {
            let clock = Clock::Running {
                beat: (b * 512) as f64 * bps,
                beats_per_sample: bps,
            };
            let (l, _) = p.process(512, clock, level, &mut |_| {});
            m = l.iter().fold(m, |m, x| m.max(x.abs()));
        }
        m
    };
    let loud = peak(&mut p, 1.0);
    assert!(loud > 0.1, "{loud}");
    let mut q = player();
    let quiet = peak(&mut q, 0.1);
    assert!((quiet / loud - 0.1).abs() < 0.02, "{quiet} vs {loud}");
    let mut r = player();
    for bad in [f64::NAN, f64::INFINITY] {
        let clock = Clock::Running {
            beat: bad,
            beats_per_sample: bps,
        };
        let (l, _) = r.process(512, clock, f32::NAN, &mut |_| panic!("no notes"));
        assert!(l.iter().all(|x| *x == 0.0));
    }
    let _ = clock;
}
