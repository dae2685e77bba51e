//! The trained scorer: a naive Bayes model over a request's clean words and slot features,
//! trained from the TRAIN split of the request corpus (never dev or test) and stored as data
//! in `assets/understand_model.json` (`tests/understand_model.rs` retrains it and fails when
//! the stored one is stale). The rules decide what they are sure of; this scores the whole
//! request when they are not, and a low score asks instead of guessing.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::normalise::{number, Words};
use super::slots::{decibels, find_key, find_tempo};
use super::Decision;
use crate::assistant::tools::{ToolCall, ToolName};

/// The stored model, built in.
pub const MODEL_JSON: &str = include_str!("../../../assets/understand_model.json");

/// Word counts per label, as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NaiveBayes {
    /// Labels: tool names, "reply" and "ask".
    pub labels: Vec<String>,
    /// Requests per label.
    pub docs: Vec<u32>,
    /// Feature -> count per label.
    pub counts: BTreeMap<String, Vec<u32>>,
}

/// The features of a request: its clean words (numbers as `<num>`) and slot marks.
pub fn features(words: &Words) -> Vec<String> {
    let mut out: Vec<String> = words
        .words
        .iter()
        .map(|w| {
            if number(&w.text).is_some() {
                "<num>".to_string()
            } else {
                w.text.clone()
            }
        })
        .collect();
    if find_key(words).0.is_some() {
        out.push("<key>".into());
    }
    if find_tempo(words, true).is_some() {
        out.push("<tempo>".into());
    }
    if decibels(words).is_some() {
        out.push("<db>".into());
    }
    if words.has_any(&["%", "percent"]) {
        out.push("<percent>".into());
    }
    out.sort();
    out.dedup();
    out
}

/// Additive smoothing of each feature's share in a label. Add-one let a label with few
/// examples win on words it never saw: with 20 examples an unseen word weighed 1/22, more
/// than a word seen in 3 of 100 examples of another label ("what do you think of my song?"
/// went to `intent_process`). A tenth keeps unseen words possible but unlikely.
const SMOOTHING: f64 = 0.1;

impl NaiveBayes {
    /// Trains on (request, label) pairs.
    pub fn train<'a>(examples: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut model = NaiveBayes::default();
        for (text, label) in examples {
            let li = match model.labels.iter().position(|l| l == label) {
                Some(i) => i,
                None => {
                    model.labels.push(label.to_string());
                    model.docs.push(0);
                    for c in model.counts.values_mut() {
                        c.push(0);
                    }
                    model.labels.len() - 1
                }
            };
            model.docs[li] += 1;
            let n = model.labels.len();
            for f in features(&Words::new(text)) {
                let row = model.counts.entry(f).or_insert_with(|| vec![0; n]);
                row.resize(n, 0);
                row[li] += 1;
            }
        }
        let n = model.labels.len();
        for row in model.counts.values_mut() {
            row.resize(n, 0);
        }
        model
    }

    /// The labels with their probabilities, best first (Bernoulli-style: only the features
    /// present count, with light additive smoothing).
    pub fn rank(&self, words: &Words) -> Vec<(String, f64)> {
        let total: f64 = self.docs.iter().map(|d| f64::from(*d)).sum();
        if total == 0.0 {
            return Vec::new();
        }
        let feats = features(words);
        let mut scores: Vec<f64> = self
            .docs
            .iter()
            .map(|d| (f64::from(*d) / total).ln())
            .collect();
        for f in &feats {
            let Some(row) = self.counts.get(f) else {
                continue;
            };
            for (i, s) in scores.iter_mut().enumerate() {
                let p =
                    (f64::from(row[i]) + SMOOTHING) / (f64::from(self.docs[i]) + 2.0 * SMOOTHING);
                *s += p.ln();
            }
        }
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = scores.iter().map(|s| (s - max).exp()).sum();
        let mut out: Vec<(String, f64)> = self
            .labels
            .iter()
            .zip(&scores)
            .map(|(l, s)| (l.clone(), (s - max).exp() / sum))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// The built-in model (empty if the file is broken: the rules still work).
pub fn stored() -> &'static NaiveBayes {
    static MODEL: OnceLock<NaiveBayes> = OnceLock::new();
    MODEL.get_or_init(|| serde_json::from_str(MODEL_JSON).unwrap_or_default())
}

/// How sure the scorer must be to call a tool the rules did not read: 90 % (below it the
/// request goes to the model, or a question).
const SURE: f64 = 0.9;

/// What to do with a request no rule read: a tool that needs no arguments when the scorer is
/// sure, a question when it is sure the request is unclear, else pass to the model.
pub fn fallback(words: &Words) -> Decision {
    let ranked = stored().rank(words);
    let Some((label, p)) = ranked.first() else {
        return Decision::Pass;
    };
    if *p < SURE {
        return Decision::Pass;
    }
    match label.as_str() {
        "ask" => Decision::Ask(super::OPEN_QUESTION.into()),
        "backing_generate" | "name_suggest" | "intent_process" | "get_state" | "undo" => {
            match ToolName::parse(label) {
                Some(tool) => Decision::Calls(vec![ToolCall::new(tool, json!({}))]),
                None => Decision::Pass,
            }
        }
        _ => Decision::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trains_and_ranks() {
        let model = NaiveBayes::train([
            ("make me a backing track", "backing_generate"),
            ("gimme a beat", "backing_generate"),
            ("thanks!", "reply"),
            ("that sounds great", "reply"),
        ]);
        let ranked = model.rank(&Words::new("a beat please"));
        assert_eq!(ranked[0].0, "backing_generate");
        assert_eq!(model.rank(&Words::new("thanks"))[0].0, "reply");
    }

    #[test]
    fn the_stored_model_loads() {
        let model = stored();
        assert_eq!(model.labels.len(), model.docs.len());
        assert!(model
            .counts
            .values()
            .all(|row| row.len() == model.labels.len()));
    }
}
