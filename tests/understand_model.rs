//! The trained scorer (`assets/understand_model.json`) and the nearest-example bank
//! (`assets/understand_examples.json`) come from the TRAIN split of the request corpus only,
//! and must match what training gives now: this test rebuilds both and fails when a stored
//! one is stale. `DAIW_RETRAIN=1` writes the new files instead.

mod support;

use daiw::assistant::tools::ToolCall;
use daiw::assistant::understand::model::NaiveBayes;
use daiw::assistant::understand::nearest::{Example, ExampleFile};
use serde_json::Value;

/// Every train-split case, in corpus order (dev and test are never trained on).
fn train_cases() -> Vec<Value> {
    support::request_corpus()
        .into_iter()
        .filter(|case| case["split"] == "train")
        .collect()
}

/// (request, label) for every train case: the first expected tool, or "reply"/"ask".
fn train_examples(cases: &[Value]) -> Vec<(String, String)> {
    cases
        .iter()
        .map(|case| {
            let label = case["answer"]
                .as_str()
                .or_else(|| case["expect"][0]["tool"].as_str())
                .unwrap_or("reply");
            let request = case["request"].as_str().unwrap_or_default();
            (request.to_string(), label.to_string())
        })
        .collect()
}

/// An expected argument as a value to propose: a range becomes its middle (whole when both
/// ends are whole), a bound its bound; `None` for text judged by what it contains (the words
/// to say or a title belong to the request, not the example).
fn proposed_value(v: &Value) -> Option<Value> {
    let Some(range) = v.as_object() else {
        return Some(v.clone());
    };
    let (lo, hi) = (range.get("min"), range.get("max"));
    match (lo.and_then(Value::as_f64), hi.and_then(Value::as_f64)) {
        (Some(a), Some(b)) => {
            let whole = lo.is_some_and(Value::is_i64) && hi.is_some_and(Value::is_i64);
            let mid = (a + b) / 2.0;
            Some(if whole {
                Value::from(mid.round() as i64)
            } else {
                Value::from((mid * 1000.0).round() / 1000.0)
            })
        }
        (Some(_), None) => lo.cloned(),
        (None, Some(_)) => hi.cloned(),
        _ => None,
    }
}

/// The expected calls as calls to propose, or `None` when one depends on the request's text.
fn proposed_calls(expect: &Value) -> Option<Vec<ToolCall>> {
    let mut calls = Vec::new();
    for e in expect.as_array()? {
        let mut call: ToolCall = serde_json::from_value(e.clone()).ok()?;
        for v in call.args.values_mut() {
            *v = proposed_value(v)?;
        }
        calls.push(call);
    }
    Some(calls)
}

/// The example bank: train cases whose expected calls hold from any state (a case with a
/// starting state expects values reached from it, which say nothing elsewhere).
fn example_bank(cases: &[Value]) -> ExampleFile {
    let examples = cases
        .iter()
        .filter(|c| c["start"].as_object().is_none_or(|s| s.is_empty()))
        .filter_map(|c| {
            Some(Example {
                request: c["request"].as_str().unwrap_or_default().to_string(),
                calls: proposed_calls(&c["expect"])?,
                answer: c["answer"].as_str().map(String::from),
            })
        })
        .filter(|e| !e.calls.is_empty() || e.answer.is_some())
        .collect();
    ExampleFile { examples }
}

/// Compares `text` with the stored `file`, or writes it under `DAIW_RETRAIN`.
fn check_or_write(file: &str, text: &str) {
    let path = support::project_root().join(file);
    if std::env::var_os("DAIW_RETRAIN").is_some() {
        std::fs::write(&path, text).expect("write the model");
        return;
    }
    let stored = std::fs::read_to_string(&path).expect("stored file");
    assert!(
        stored == text,
        "{file} is stale: retrain with DAIW_RETRAIN=1 cargo test --test understand_model"
    );
}

#[test]
fn the_stored_model_is_trained_from_the_train_split() {
    let cases = train_cases();
    let examples = train_examples(&cases);
    assert!(examples.len() >= 300, "{} train examples", examples.len());
    let model = NaiveBayes::train(examples.iter().map(|(r, l)| (r.as_str(), l.as_str())));
    check_or_write(
        "assets/understand_model.json",
        &(serde_json::to_string(&model).expect("model json") + "\n"),
    );
}

#[test]
fn the_stored_examples_are_the_train_split() {
    let bank = example_bank(&train_cases());
    assert!(
        bank.examples.len() >= 300,
        "{} examples",
        bank.examples.len()
    );
    check_or_write(
        "assets/understand_examples.json",
        &(serde_json::to_string_pretty(&bank).expect("examples json") + "\n"),
    );
}
