//! Pins the exact output of backing generation, MIDI export and intent processing, so a
//! refactor of `music::backing` or `music::plan` that changes a single note, byte or word fails.
//! The expected hashes were computed from the code before the split of `backing::generate` and
//! `plan::process` (issue 12); a deliberate change of output must update them on purpose.
//!
//! To print the current table: `DAIW_PIN_PRINT=1 cargo test --test music_pinned -- --nocapture`.

use daiw::music::backing::{generate, BackingRequest, GrooveTemplate, ProgressionChord};
use daiw::music::data;
use daiw::music::intent::{
    Genre, GrooveFeel, ImageryTexture, Mood, NarrativeArc, SongIntent, Vulnerability,
};
use daiw::music::midi::to_smf_bytes;
use daiw::music::plan::process;
use daiw::music::theory::{parse_progression, Key};

/// FNV-1a, 64 bit: tiny, stable across Rust versions and platforms (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, data: &[u8]) {
        for &b in data {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so ["ab", "c"] and ["a", "bc"] hash differently.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

fn print_table() -> bool {
    std::env::var_os("DAIW_PIN_PRINT").is_some()
}

/// Compares each computed (name, hash) with the pinned table, reporting every mismatch at once.
fn check(label: &str, computed: &[(String, u64, u64)], pinned: &[(&str, u64, u64)]) {
    if print_table() {
        println!("// {label}");
        for (name, a, b) in computed {
            println!("    (\"{name}\", 0x{a:016x}, 0x{b:016x}),");
        }
    }
    let mut bad = Vec::new();
    assert_eq!(computed.len(), pinned.len(), "{label}: case count changed");
    for ((name, a, b), (pname, pa, pb)) in computed.iter().zip(pinned) {
        assert_eq!(name, pname, "{label}: case order changed");
        if (a, b) != (pa, pb) {
            bad.push(format!(
                "{name}: 0x{a:016x} 0x{b:016x} (pinned 0x{pa:016x} 0x{pb:016x})"
            ));
        }
    }
    assert!(bad.is_empty(), "{label} changed:\n{}", bad.join("\n"));
}

fn key(text: &str) -> Key {
    text.parse().expect("test key parses")
}

/// The request variants each style is generated with: plain defaults and every knob turned.
fn variants(base: &BackingRequest) -> Vec<(&'static str, BackingRequest)> {
    let mut out = vec![("plain", base.clone())];
    let with = |f: &dyn Fn(&mut BackingRequest)| {
        let mut r = base.clone();
        f(&mut r);
        r
    };
    out.push((
        "displaced",
        with(&|r| {
            r.groove = GrooveTemplate::Displacement {
                ticks: 40,
                velocities: vec![90, 60, 80, 60, 100, 60, 80, 60],
            }
        }),
    ));
    out.push((
        "fluctuating",
        with(&|r| {
            r.groove = GrooveTemplate::Fluctuation {
                depth_bpm: 4.0,
                swing: 0.2,
                velocities: vec![100, 70, 85, 70],
            }
        }),
    ));
    out.push((
        "metric",
        with(&|r| {
            r.groove = GrooveTemplate::Metric {
                accent_steps: vec![0, 3, 6, 8, 11, 14],
            }
        }),
    ));
    out.push((
        "poly",
        with(&|r| r.groove = GrooveTemplate::Polyrhythm { group: 3 }),
    ));
    out.push((
        "dropped",
        with(&|r| r.groove = GrooveTemplate::Dropped { steps: vec![4, 12] }),
    ));
    out.push((
        "energy",
        with(&|r| {
            r.energy = vec![0.0, 0.1, 0.22, 0.35, 0.5, 0.65, 0.9, 1.0, 0.3, 1.2];
            r.complexity = 0.9;
            r.vulnerability = 0.8;
        }),
    ));
    out.push((
        "progression",
        with(&|r| {
            let k = r.key;
            let chords = parse_progression("I-bVII-iv-V7-ii7")
                .expect("numerals parse")
                .into_iter()
                .map(|roman| ProgressionChord {
                    chord: roman.in_key(k),
                    numeral: roman.numeral(),
                })
                .collect();
            r.progression = Some(chords);
            r.bars_per_chord = Some(1);
        }),
    ));
    out.push((
        "swung",
        with(&|r| {
            r.swing = Some(0.6);
            r.pocket_ms = 12.0;
            r.complexity = 0.0;
            r.bars_per_chord = Some(3);
        }),
    ));
    out
}

#[test]
fn backing_patterns_and_midi_are_pinned() {
    let settings: [(&str, f64, u32, u64); 4] = [
        ("C major", 100.0, 8, 3),
        ("F# minor", 72.5, 5, 11),
        ("Bb dorian", 138.0, 12, 0xdead_beef),
        ("E phrygian", 60.0, 3, 7),
    ];
    let mut computed = Vec::new();
    for style in data::style_ids() {
        let mut pattern_hash = Fnv::new();
        let mut midi_hash = Fnv::new();
        for (k, tempo, bars, seed) in settings {
            let base = BackingRequest::new(key(k), tempo, style, bars, seed);
            for (name, request) in variants(&base) {
                let pattern =
                    generate(&request).unwrap_or_else(|e| panic!("{style} {k} {name}: {e}"));
                let json = serde_json::to_string(&pattern).expect("pattern serialises");
                pattern_hash.bytes(json.as_bytes());
                let midi = to_smf_bytes(&pattern).expect("pattern exports");
                midi_hash.bytes(&midi);
            }
        }
        computed.push((style.to_string(), pattern_hash.0, midi_hash.0));
    }
    // Refused requests keep their messages.
    let mut errors = Fnv::new();
    let c = key("C");
    let mut empty = BackingRequest::new(c, 100.0, "pop", 4, 0);
    empty.progression = Some(Vec::new());
    for request in [
        BackingRequest::new(c, 100.0, "polka", 4, 0),
        BackingRequest::new(c, 5.0, "pop", 4, 0),
        BackingRequest::new(c, f64::NAN, "pop", 4, 0),
        BackingRequest::new(c, 100.0, "pop", 0, 0),
        BackingRequest::new(c, 100.0, "pop", 2000, 0),
        empty,
    ] {
        let message = generate(&request)
            .expect_err("request is refused")
            .to_string();
        errors.bytes(message.as_bytes());
    }
    computed.push(("errors".to_string(), errors.0, 0));
    check("backing", &computed, PINNED_BACKING);
}

/// The test intent of `plan`'s unit tests, then the round-trip intent of tests/music_intent.rs.
fn base_intent() -> SongIntent {
    let mut intent = SongIntent::template("Test", "2025-01-01");
    intent.song_root.core_event = "The house was sold".into();
    intent.song_root.core_longing = "To go back once".into();
    intent.song_intent.mood_primary = Some(Mood::Grief);
    intent
}

/// Every rule-break (and none), each with every mood, cycling through keys, modes, tempo
/// ranges, arcs, feels, genres, textures and vulnerabilities, with two seeds; each plan hashed
/// as JSON together with the backing it plays.
#[test]
fn plans_are_pinned() {
    let keys = ["", "F", "C# minor", "Bb", "e", "G dorian"];
    let modes = ["", "major", "dorian", "", "minor", "lydian", ""];
    let ranges = [[80.0, 120.0], [40.0, 200.0], [70.0, 100.0], [130.0, 160.0]];
    let mut rules: Vec<&str> = vec![""];
    rules.extend(data::rule_breaks().iter().map(|r| r.id.as_str()));
    let mut computed = Vec::new();
    let mut n = 0usize;
    for rule in rules {
        let mut plan_hash = Fnv::new();
        let mut backing_hash = Fnv::new();
        for (m, mood) in Mood::ALL.iter().enumerate() {
            for seed in [0u64, 3] {
                n += 1;
                let mut i = base_intent();
                i.title = format!("Pinned {m}");
                i.song_intent.mood_primary = Some(*mood);
                i.song_intent.mood_secondary_tension = (n % 11) as f64 / 10.0;
                i.song_intent.narrative_arc = pick_opt(NarrativeArc::ALL, n);
                i.song_intent.imagery_texture = pick_opt(ImageryTexture::ALL, n + 1);
                i.song_intent.vulnerability_scale = pick_opt(Vulnerability::ALL, n + 2);
                let t = &mut i.technical_constraints;
                t.technical_key = keys[n % keys.len()].into();
                t.technical_mode = modes[n % modes.len()].into();
                t.technical_tempo_range = ranges[n % ranges.len()];
                t.technical_groove_feel = pick_opt(GrooveFeel::ALL, n + 3);
                t.technical_genre = pick_opt(Genre::ALL, n + 4);
                t.technical_rule_to_break = rule.into();
                if !rule.is_empty() {
                    t.rule_breaking_justification = "because the song needs it".into();
                }
                match process(&i, seed) {
                    Ok(plan) => {
                        let json = serde_json::to_string(&plan).expect("plan serialises");
                        plan_hash.bytes(json.as_bytes());
                        let pattern = generate(&plan.backing_request()).expect("plan plays");
                        let json = serde_json::to_string(&pattern).expect("pattern serialises");
                        backing_hash.bytes(json.as_bytes());
                    }
                    Err(e) => plan_hash.bytes(format!("error: {e}").as_bytes()),
                }
            }
        }
        let name = if rule.is_empty() { "no_rule" } else { rule };
        computed.push((name.to_string(), plan_hash.0, backing_hash.0));
    }
    // The unit tests' intent and an invalid one, as they are.
    let mut unit = Fnv::new();
    for seed in 0..8 {
        let plan = process(&base_intent(), seed).expect("base intent is valid");
        unit.bytes(serde_json::to_string(&plan).expect("serialises").as_bytes());
    }
    let mut invalid = base_intent();
    invalid.song_root.core_event.clear();
    let message = process(&invalid, 0).expect_err("refused").to_string();
    unit.bytes(message.as_bytes());
    computed.push(("unit_intents".to_string(), unit.0, 0));
    check("plans", &computed, PINNED_PLANS);
}

/// One case in `all.len() + 1` leaves the field empty; the rest cycle through the values.
fn pick_opt<T: Copy>(all: &[T], n: usize) -> Option<T> {
    (!n.is_multiple_of(all.len() + 1)).then(|| all[n % all.len()])
}

/// Per style: (hash of the patterns as JSON, hash of their MIDI files).
const PINNED_BACKING: &[(&str, u64, u64)] = &[
    ("ballad", 0xfe64a98c4ff69ee6, 0x74daab3849bf9164),
    ("blues", 0x4686d7438f8c44c9, 0x80f67672ad94ee98),
    ("edm", 0xbc7314f524f4f1ac, 0xfc11dc3e1c3de2eb),
    ("funk", 0xcfe66c363193a6d0, 0xb615884fb6384007),
    ("hiphop", 0xf9043442d642acf5, 0x9f8de326011b3137),
    ("jazz", 0xe4b6fe95a95a518e, 0xa29d67e26fda3e15),
    ("latin", 0xe0bb3a4769a7ea2d, 0xdbf497296ec808a6),
    ("lofi", 0xa74b6f8159454f5a, 0x5ddfca2ba00ad81a),
    ("neo_soul", 0x52e3c4ca68193376, 0xdf50a3a15400d280),
    ("pop", 0x6e4ee6802ebb8cd6, 0xb4e64751a29a3aaf),
    ("reggae", 0x61fa62d235f3481b, 0xf04ed5fa0a39853c),
    ("rock", 0x0266f86c82c12d06, 0x0116a9f05b5386f2),
    ("errors", 0x5168dcbc6b21c89c, 0x0000000000000000),
];

/// Per rule-break: (hash of the plans as JSON, hash of the backings they play).
const PINNED_PLANS: &[(&str, u64, u64)] = &[
    ("no_rule", 0xfa3848aec66707be, 0xd89120615b72ad73),
    (
        "HARMONY_AvoidTonicResolution",
        0xda4ea9f798e8f52f,
        0x7f800020b35ee46d,
    ),
    (
        "HARMONY_ParallelMotion",
        0xdb099e51f9ea3e64,
        0x984fdcfb65d9e868,
    ),
    (
        "HARMONY_ModalInterchange",
        0xfaec1bf3268ef46b,
        0x913440a69ba6b6da,
    ),
    (
        "HARMONY_TritoneSubstitution",
        0xdb3546a18f7aed8e,
        0xe7fcdb9dac15afc2,
    ),
    (
        "HARMONY_Polytonality",
        0x474ba1667684eb70,
        0x9f0983e396886f0f,
    ),
    (
        "HARMONY_UnresolvedDissonance",
        0x6d1035a9842c0b9a,
        0xd4cc09153a25fde1,
    ),
    (
        "RHYTHM_ConstantDisplacement",
        0xa27e7103f1256ae6,
        0xf512d908290f615b,
    ),
    (
        "RHYTHM_TempoFluctuation",
        0xd27e9cd7995f5f9d,
        0x4fd81ec5eb6ddc9a,
    ),
    (
        "RHYTHM_MetricModulation",
        0xc8e4bb45ffede491,
        0x3da49b4f948815ac,
    ),
    (
        "RHYTHM_PolyrhythmicLayers",
        0x37a124acf29717d4,
        0xeb87b5d77f6ec1de,
    ),
    (
        "RHYTHM_DroppedBeats",
        0x3d607c84de0312c6,
        0xdf6f0864a0a84570,
    ),
    (
        "ARRANGEMENT_UnbalancedDynamics",
        0xd06f6e3b08eb8c43,
        0xe4264041d5aa5379,
    ),
    (
        "ARRANGEMENT_StructuralMismatch",
        0x30f294dac6fa3721,
        0xb134d1df8c0ec879,
    ),
    (
        "ARRANGEMENT_BuriedVocals",
        0x20d2921ec1f149cb,
        0x16ebc1d8bad9621e,
    ),
    (
        "ARRANGEMENT_ExtremeDynamicRange",
        0x6962bf2f0cf9ed06,
        0xcc12fc47da102dd2,
    ),
    (
        "ARRANGEMENT_PrematureClimax",
        0x526924a7c64a079b,
        0x0da71377288982ac,
    ),
    (
        "PRODUCTION_ExcessiveMud",
        0xf366cd2554361137,
        0x9ea0acfc3e9ed16a,
    ),
    (
        "PRODUCTION_PitchImperfection",
        0x46296e24592dd8cb,
        0xed7cad42105c733c,
    ),
    (
        "PRODUCTION_RoomNoise",
        0xa74312c46a8502fd,
        0xa02ae48b828dcfff,
    ),
    (
        "PRODUCTION_Distortion",
        0xf1b29bc18fe11b10,
        0x01d21446a18cb9d9,
    ),
    (
        "PRODUCTION_MonoCollapse",
        0x610282496dac856e,
        0x2393a152d3be4c05,
    ),
    (
        "PRODUCTION_LoFiDegradation",
        0xc493e4c214115120,
        0x83ae7f06f43c1509,
    ),
    (
        "PRODUCTION_SilenceAsInstrument",
        0x9c1d87a3fbaae9ba,
        0x3a35cc53d86e4682,
    ),
    (
        "PRODUCTION_ClippingPeaks",
        0x1c10d83732c56d4b,
        0xa31b102b9337071d,
    ),
    (
        "MELODY_AvoidResolution",
        0xbcee0c2f492a8fc4,
        0xa71a81634108abfd,
    ),
    (
        "MELODY_ExcessiveRepetition",
        0xc1fa348b93b087c0,
        0x4610be17783de016,
    ),
    (
        "MELODY_AngularIntervals",
        0x1c8f5496cbcdcafe,
        0x198170b0736cbed6,
    ),
    ("MELODY_AntiClimax", 0x94e0be37ac66c1b4, 0xe6297decb2847118),
    (
        "MELODY_MonotoneDrone",
        0xfe68a25647e79f91,
        0xc61733b5675a0605,
    ),
    (
        "MELODY_FragmentedPhrases",
        0xc88895a9b6041ae1,
        0x54ed4d99bf01f645,
    ),
    (
        "TEXTURE_FrequencyMasking",
        0xbe7b48fe339c91c2,
        0x1a5ec9cb356d3c0e,
    ),
    (
        "TEXTURE_SparseEmptiness",
        0x079a481ba116ed13,
        0x6e80f2ceb89abf90,
    ),
    ("TEXTURE_DenseWall", 0x827512400592002f, 0xc0abc6956c47e414),
    (
        "TEXTURE_ConflictingTimbres",
        0xdb0b332bc603db16,
        0x80948088a0cd76cd,
    ),
    (
        "TEXTURE_SingleElementFocus",
        0xb9551961c39ed361,
        0x6982bfb1c9516aca,
    ),
    (
        "TEXTURE_TimbralDrift",
        0xccd7cd6485774e9a,
        0xe849e5d5f0dc064a,
    ),
    (
        "TEMPORAL_ExtendedIntro",
        0x3db3c5f574a64b23,
        0x457375ce0e82b7b4,
    ),
    (
        "TEMPORAL_AbruptEnding",
        0xec292e8e71ec1840,
        0xdd5b0cee2566bbc3,
    ),
    (
        "TEMPORAL_TimeStretch",
        0x313d17c65eb8d9e0,
        0x3b3e57f1d890b079,
    ),
    (
        "TEMPORAL_LoopHypnosis",
        0xd2af768c1dab5178,
        0x42a967caa2ac5ac3,
    ),
    (
        "TEMPORAL_BreathPauses",
        0xfcda132deb5935c7,
        0x70359df274e47a6e,
    ),
    (
        "TEMPORAL_AccelerandoDecay",
        0xb2870c276ae7f912,
        0x379107da398a6a6a,
    ),
    ("unit_intents", 0x2a559f5ea12e2bc1, 0x0000000000000000),
];
