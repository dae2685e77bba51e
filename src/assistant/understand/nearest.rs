//! The nearest examples: requests of the corpus's TRAIN split with the calls a musician
//! expects (`assets/understand_examples.json`, written with the trained scorer by
//! `tests/understand_model.rs`). When no rule reads a request, the examples that share its
//! rarer words propose calls; the language model ranks them (`ChatAgent::plan`), so it
//! chooses among sensible answers instead of writing one of its own.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::features;
use super::normalise::Words;
use super::slots::{find_key, find_tempo};
use crate::assistant::tools::ToolCall;

/// The stored examples, built in.
pub const EXAMPLES_JSON: &str = include_str!("../../../assets/understand_examples.json");

/// One example: a request and what it expects (calls, or an answer kind: "ask" / "reply").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// The request as written.
    pub request: String,
    /// The expected calls, in order (empty for an answer).
    #[serde(default)]
    pub calls: Vec<ToolCall>,
    /// "ask" or "reply" when the request expects no call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// The stored file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExampleFile {
    /// Every example, in corpus order.
    pub examples: Vec<Example>,
}

/// A proposal: what the nearest examples with the same answer expect, and how close the
/// closest of them is (cosine similarity of IDF-weighted features, 0..1).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Calls to make (empty when the examples expect an answer).
    pub calls: Vec<ToolCall>,
    /// "ask" or "reply" for examples that expect no call.
    pub answer: Option<String>,
    /// Similarity of the closest example giving this answer.
    pub similarity: f64,
    /// That example's request (shown to the model and in explanations).
    pub example: String,
}

/// The examples with their feature weights, ready to compare.
#[derive(Debug, Default)]
pub struct Bank {
    examples: Vec<Example>,
    /// Each example's features with IDF weights, and the vector's length.
    vectors: Vec<(BTreeMap<String, f64>, f64)>,
    /// IDF per feature; features never seen weigh `unseen`.
    idf: HashMap<String, f64>,
    unseen: f64,
}

impl Bank {
    /// Indexes `examples` (IDF over their features).
    pub fn new(examples: Vec<Example>) -> Self {
        let feats: Vec<Vec<String>> = examples
            .iter()
            .map(|e| features(&Words::new(&e.request)))
            .collect();
        let mut df: HashMap<String, f64> = HashMap::new();
        for f in feats.iter().flatten() {
            *df.entry(f.clone()).or_default() += 1.0;
        }
        let n = examples.len() as f64;
        let idf: HashMap<String, f64> = df
            .into_iter()
            .map(|(f, d)| (f, ((n + 1.0) / (d + 1.0)).ln() + 1.0))
            .collect();
        let vectors = feats
            .iter()
            .map(|fs| {
                let v: BTreeMap<String, f64> = fs.iter().map(|f| (f.clone(), idf[f])).collect();
                let len = v.values().map(|w| w * w).sum::<f64>().sqrt();
                (v, len)
            })
            .collect();
        Self {
            examples,
            vectors,
            idf,
            unseen: (n + 1.0).ln() + 1.0,
        }
    }

    /// Up to `k` proposals for `words`, closest first, one per distinct answer.
    pub fn candidates(&self, words: &Words, k: usize) -> Vec<Candidate> {
        let query: Vec<(String, f64)> = features(words)
            .into_iter()
            .map(|f| {
                let w = self.idf.get(&f).copied().unwrap_or(self.unseen);
                (f, w)
            })
            .collect();
        let q_len = query.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        if q_len == 0.0 {
            return Vec::new();
        }
        // A word in at most one example in 20: shared common words alone ("what can you
        // do") make no example near, however high their cosine.
        let rare = ((self.examples.len() as f64 + 1.0) / 21.0).ln().max(0.0) + 1.0;
        let mut scored: Vec<(f64, usize)> = self
            .vectors
            .iter()
            .enumerate()
            .filter(|(_, (_, len))| *len > 0.0)
            .filter(|(_, (v, _))| query.iter().any(|(f, w)| *w >= rare && v.contains_key(f)))
            .map(|(i, (v, len))| {
                let dot: f64 = query.iter().filter_map(|(f, w)| Some(w * v.get(f)?)).sum();
                (dot / (q_len * len), i)
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<Candidate> = Vec::with_capacity(k);
        for (similarity, i) in scored {
            let e = &self.examples[i];
            let calls = fit_slots(&e.calls, words);
            if out.iter().any(|c| c.calls == calls && c.answer == e.answer) {
                continue;
            }
            out.push(Candidate {
                calls,
                answer: e.answer.clone(),
                similarity,
                example: e.request.clone(),
            });
            if out.len() == k {
                break;
            }
        }
        out
    }
}

/// The examples' calls with the request's own key and tempo where the example named one
/// ("a chill beat in E, 80 bpm" proposes the example's style with the request's key).
fn fit_slots(calls: &[ToolCall], words: &Words) -> Vec<ToolCall> {
    let (key, _) = find_key(words);
    let tempo = find_tempo(words, true);
    calls
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if let (Some(k), true) = (key, c.args.contains_key("key")) {
                c.args.insert("key".into(), Value::String(k.name().into()));
            }
            if let (Some(t), true) = (tempo, c.args.contains_key("tempo_bpm")) {
                c.args.insert("tempo_bpm".into(), Value::from(t));
            }
            c
        })
        .collect()
}

/// The built-in bank (empty if the file is broken: the rules still work).
pub fn stored() -> &'static Bank {
    static BANK: OnceLock<Bank> = OnceLock::new();
    BANK.get_or_init(|| {
        let file: ExampleFile = serde_json::from_str(EXAMPLES_JSON).unwrap_or_default();
        Bank::new(file.examples)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::tools::ToolName;
    use serde_json::json;

    fn bank() -> Bank {
        Bank::new(vec![
            Example {
                request: "put me in a big hall".into(),
                calls: vec![ToolCall::new(
                    ToolName::VoiceModulate,
                    json!({"reverb": 0.7}),
                )],
                answer: None,
            },
            Example {
                request: "a chill beat in A at 80 bpm".into(),
                calls: vec![ToolCall::new(
                    ToolName::BackingGenerate,
                    json!({"style": "lofi", "key": "A", "tempo_bpm": 80}),
                )],
                answer: None,
            },
            Example {
                request: "fix it".into(),
                calls: Vec::new(),
                answer: Some("ask".into()),
            },
        ])
    }

    #[test]
    fn the_closest_example_comes_first() {
        let c = bank().candidates(&Words::new("I want a big hall sound"), 3);
        assert_eq!(c[0].calls[0].tool, "voice_modulate");
        assert!(c[0].similarity > 0.3, "{c:?}");
        assert!(bank().candidates(&Words::new("zzz qqq"), 3).is_empty());
    }

    #[test]
    fn the_request_keeps_its_own_key_and_tempo() {
        let c = bank().candidates(&Words::new("chill beat in D at 95 bpm"), 1);
        assert_eq!(c[0].calls[0].args["key"], json!("D"));
        assert_eq!(c[0].calls[0].args["tempo_bpm"], json!(95));
    }

    #[test]
    fn the_stored_bank_loads() {
        let file: ExampleFile = serde_json::from_str(EXAMPLES_JSON).expect("examples json");
        assert!(file.examples.len() >= 300);
    }
}
