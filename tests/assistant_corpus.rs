//! The request corpus (`tests/data/requests/*.json`): requests written by people who never
//! saw the parser, each with the calls a musician expects, split by family into train / dev /
//! test. The test split was written before the language layer was changed and is never tuned
//! on: this file prints its score and per-tag table but not its individual failures
//! (`DAIW_CORPUS_SHOW=test` does, for a final read only).
//!
//! Judged by what the calls do, not how they are spelt: the parameter tools (`voice_tune`,
//! `voice_modulate`, `mix_control`) are applied to the same starting snapshot and the results
//! compared (a preset counts as its values); other tools compare arguments. An inversion (a
//! parameter the request lowers or switches off that the answer raises or switches on) is
//! counted apart, everywhere.
//!
//! `DAIW_CORPUS_BACKEND=none` judges the router alone (fast, for iterating);
//! `DAIW_CORPUS_SPLITS=train,dev` limits the splits. The model (the default backend) judges
//! only the splits in `DAIW_CORPUS_MODEL_SPLITS` (default `test`, the one that measures);
//! the others are judged by the router alone, which is what the model's ranking gave on
//! them (identical figures in every full run so far) at a fraction of CI's time.
//!
//! `retyped_requests_keep_their_answer` measures something the splits cannot: the same
//! train and dev requests retyped as people also type them (lower case, no punctuation, a
//! typo, ...), which must keep their answer.

#[path = "support/corpus_judge.rs"]
mod corpus_judge;
mod support;
#[path = "support/variations.rs"]
mod variations;

use std::collections::BTreeMap;

use corpus_judge::{judge, load_cases, put_state, Tally};
use daiw::assistant::agent::ChatAgent;
use daiw::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
use daiw::assistant::understand::{explain, Context};
use variations::Variation;

/// The default configuration with the given backend, history off, home in the test's folder.
fn corpus_config(backend: BackendKind) -> AgentConfig {
    let home = support::output_dir("assistant_corpus", "home");
    let mut config =
        AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "default", &home).expect("config");
    config.backend = backend;
    config.model_path = support::model_path();
    config.save_history = false;
    config
}

#[test]
fn request_corpus_by_split_and_tag() {
    let backend = std::env::var("DAIW_CORPUS_BACKEND").unwrap_or_else(|_| "embedded".into());
    let config = corpus_config(backend.parse().expect("backend name"));
    let splits = std::env::var("DAIW_CORPUS_SPLITS").unwrap_or_else(|_| "train,dev,test".into());
    let show = std::env::var("DAIW_CORPUS_SHOW").unwrap_or_else(|_| "train,dev".into());
    let cases = load_cases();
    assert!(cases.len() >= 800, "the corpus needs at least 800 requests");
    let model_splits = std::env::var("DAIW_CORPUS_MODEL_SPLITS").unwrap_or_else(|_| "test".into());
    let mut with_model = ChatAgent::new(config.clone()).expect("agent");
    let mut router_config = config.clone();
    router_config.backend = BackendKind::None;
    let mut router_only = ChatAgent::new(router_config).expect("router agent");
    let (mut by_split, mut by_tag) = (Tally::default(), Tally::default());
    let (mut inversions, mut invalid) = (Vec::new(), 0usize);
    // Who decided, and how long the model's turns took (ms).
    let mut deciders: BTreeMap<String, usize> = BTreeMap::new();
    let mut model_ms: Vec<f64> = Vec::new();
    // What kind of miss each was (counts only, so the test split's requests stay unread).
    let mut miss_kinds: BTreeMap<String, usize> = BTreeMap::new();
    for case in cases
        .iter()
        .filter(|c| splits.split(',').any(|s| s == c.split))
    {
        let agent = if model_splits.split(',').any(|s| s == case.split) {
            &mut with_model
        } else {
            &mut router_only
        };
        put_state(agent, &case.start);
        let started = std::time::Instant::now();
        let plan = agent.plan(&case.request, &mut |_| {});
        *deciders.entry(format!("{:?}", plan.source)).or_default() += 1;
        if matches!(plan.source, daiw::assistant::agent::Source::Model) {
            model_ms.push(started.elapsed().as_secs_f64() * 1e3);
        }
        invalid += plan
            .errors
            .iter()
            .filter(|e| e.contains("argument") || e.contains("no tool"))
            .count();
        let verdict = judge(case, &plan, &config);
        by_split.add(&case.split, verdict.ok);
        if !verdict.ok {
            *miss_kinds
                .entry(format!("{}/{}", case.split, miss_kind(&verdict.why)))
                .or_default() += 1;
        }
        for tag in &case.tags {
            by_tag.add(&format!("{}/{tag}", case.split), verdict.ok);
        }
        if verdict.inversion {
            // The test split's requests stay unread: only its count is shown.
            let shown = show.split(',').any(|s| s == case.split);
            inversions.push(if shown {
                format!("[{}] {:?}", case.split, case.request)
            } else {
                format!("[{}]", case.split)
            });
        }
        if !verdict.ok && show.split(',').any(|s| s == case.split) {
            println!(
                "MISS [{} {}] {:?}: {}",
                case.split, case.family, case.request, verdict.why
            );
            // The scored tool choice per clause, to see which evidence won (read from the
            // case's start, as the plan was).
            put_state(agent, &case.start);
            let ctx = Context {
                state: agent.state(),
                backing: agent.backing(),
            };
            println!("{}", explain(&case.request, &ctx));
        }
    }
    println!("\nrequest corpus, backend {backend}:");
    for (split, (right, total)) in &by_split.0 {
        println!(
            "  {split:5} {right:4}/{total:<4} {:.1} %",
            100.0 * by_split.share(split)
        );
    }
    for (tag, (right, total)) in &by_tag.0 {
        println!(
            "    {tag:24} {right:4}/{total:<4} {:.1} %",
            100.0 * by_tag.share(tag)
        );
    }
    println!(
        "  inversions: {} ({})",
        inversions.len(),
        inversions.join(", ")
    );
    println!("  refused calls: {invalid}");
    println!("  misses by kind: {miss_kinds:?}");
    model_ms.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        model_ms
            .get(((model_ms.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "  decided by {deciders:?}; model turns median {:.0} ms, p95 {:.0} ms",
        percentile(0.5),
        percentile(0.95)
    );
    // Floors that keep what the language layer reached. `fresh2.json` to `fresh8.json`, each
    // aimed at the held-out split's weak kinds and written blind to the parser, joined train
    // and dev at 62.7 %, 63.0 %, 60.4 %, 62.9 %, 72.2 %, 71.4 % and 71.3 % for the router
    // before any change for them, so train and dev sit lower than the 97 % they once showed
    // (they hold the hardest phrasings now); the held-out test split went from 77.5 % to
    // 84.1 % over seven rounds. Its target is 95 % and is not met yet. No inversion is allowed
    // where it was tuned, and the held-out split may not get worse than measured.
    if splits == "train,dev,test" {
        for (split, floor) in [("train", 0.90), ("dev", 0.89), ("test", 0.83)] {
            let share = by_split.share(split);
            assert!(share >= floor, "{split}: {share:.3} is below {floor}");
        }
        let tuned = inversions
            .iter()
            .filter(|i| !i.starts_with("[test]"))
            .count();
        assert_eq!(tuned, 0, "inversions on train/dev: {inversions:?}");
        assert!(inversions.len() <= 3, "{} inversions", inversions.len());
        assert_eq!(invalid, 0, "refused calls");
    }
}

/// What went wrong first in a verdict's explanation: a question or answer expected, nothing
/// read, other tools, a wrong value, or a control moved that was not asked for.
fn miss_kind(why: &str) -> &'static str {
    if why.starts_with("wanted a ") {
        "ask or reply expected"
    } else if why.starts_with("tools []") {
        "nothing read"
    } else if why.starts_with("tools [") {
        "other tools"
    } else if why.contains(", wanted") || why.contains(" = ") {
        "wrong value"
    } else if why.contains("though not asked") {
        "moved unasked"
    } else {
        "other"
    }
}

/// Meaning-preserving retypings (`tests/support/variations.rs`) of every train and dev request
/// the router reads right: lower case, no punctuation, no apostrophes, a greeting, thanks, one
/// typo. A reader that holds only for the exact phrasing it was tuned on breaks here, which is
/// what a held-out request typed differently would meet, without reading the held-out split.
/// Router alone (the model does not change train/dev figures); `DAIW_VARIATIONS_SHOW=1`
/// prints every broken variant.
#[test]
fn retyped_requests_keep_their_answer() {
    let config = corpus_config(BackendKind::None);
    let mut agent = ChatAgent::new(config.clone()).expect("router agent");
    let show = std::env::var_os("DAIW_VARIATIONS_SHOW").is_some();
    let mut kept = Tally::default();
    let mut inversions = Vec::new();
    for case in load_cases().iter().filter(|c| c.split != "test") {
        put_state(&mut agent, &case.start);
        if !judge(case, &agent.plan(&case.request, &mut |_| {}), &config).ok {
            continue;
        }
        for variation in Variation::ALL {
            let Some(retyped) = variation.apply(&case.request) else {
                continue;
            };
            put_state(&mut agent, &case.start);
            let plan = agent.plan(&retyped, &mut |_| {});
            let retyped_case = corpus_judge::Case {
                request: retyped.clone(),
                ..case.clone()
            };
            let verdict = judge(&retyped_case, &plan, &config);
            kept.add(&format!("{variation:?}"), verdict.ok);
            if verdict.inversion {
                inversions.push(format!("{variation:?}: {retyped:?}"));
            }
            if show && !verdict.ok {
                println!(
                    "BROKEN {variation:?} {retyped:?} (from {:?}): {}",
                    case.request, verdict.why
                );
            }
        }
    }
    println!("\nretyped train/dev requests the router read right, still right:");
    for (variation, (right, total)) in &kept.0 {
        println!(
            "  {variation:14} {right:4}/{total:<4} {:.1} %",
            100.0 * kept.share(variation)
        );
    }
    println!("  inversions: {} {inversions:?}", inversions.len());
    // Floors at what the readers reached when this measure was added (round 10): greeting
    // 98.0 %, lower case 98.1 %, no apostrophes 93.2 %, no punctuation 91.5 % (87.9 % before
    // orders typed without commas were cut), thanks 95.7 %, one typo 89.3 %; 22 inversions
    // (60 before). Round 11: one typo 92.4 % (dictionary words kept from correction, so every
    // reader's word could join the vocabulary), no punctuation 91.8 % (comparatives and verbs after
    // a complaint start orders), 8 inversions (misspellings mended before phrases are read).
    // They may not get worse.
    for (variation, floor) in [
        (Variation::Greeting, 0.97),
        (Variation::LowerCase, 0.97),
        (Variation::NoApostrophes, 0.92),
        (Variation::NoPunctuation, 0.90),
        (Variation::Thanks, 0.95),
        (Variation::Typo, 0.91),
    ] {
        let share = kept.share(&format!("{variation:?}"));
        assert!(share >= floor, "{variation:?}: {share:.3} is below {floor}");
    }
    assert!(inversions.len() <= 8, "{} inversions", inversions.len());
}
