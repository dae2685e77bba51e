//! Choosing among the nearest examples' proposals (`understand::nearest`) when no rule read a
//! request: a clear favourite is taken as it is; between close rivals the language model
//! ranks them by likelihood; a proposal nobody can choose becomes one short question.

use super::{ChatAgent, Plan, Source};
use crate::assistant::llm::{LlmBackend, LlmRequest};
use crate::assistant::tools::{validate, ToolCall, ValidCall};
use crate::assistant::understand::nearest::Candidate;
use crate::assistant::understand::OPEN_QUESTION;

/// Rivals: proposals whose example is at least this share as close as the best one's (closer
/// pairs are phrasings the words alone cannot separate; further ones lost clearly).
const RIVAL_SHARE: f64 = 0.8;

/// How far the model's score may move the choice against the words: a proposal's final
/// score is its mean log-probability per token plus this weight times the log of its
/// similarity (1 keeps both evidences on the same footing).
const SIMILARITY_WEIGHT: f64 = 1.0;

impl ChatAgent {
    /// The plan for `text` from `candidates` (closest first, never empty).
    pub(super) fn choose(&mut self, text: &str, candidates: Vec<Candidate>) -> Plan {
        // Only proposals that can be carried out (or answered) take part.
        let usable: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| c.answer.is_some() || c.calls.iter().all(|call| validate(call).is_ok()))
            .collect();
        let Some(best) = usable.first().map(|c| c.similarity) else {
            return Plan::answer(OPEN_QUESTION.into(), Source::Router);
        };
        let rivals: Vec<Candidate> = usable
            .into_iter()
            .filter(|c| c.similarity >= best * RIVAL_SHARE)
            .collect();
        let (index, ranked) = if rivals.len() > 1 {
            match self.rank_by_model(text, &rivals) {
                Some(i) => (i, true),
                None => (0, false),
            }
        } else {
            (0, false)
        };
        let chosen = &rivals[index];
        let source = if ranked {
            Source::Model
        } else {
            Source::Router
        };
        match chosen.answer.as_deref() {
            Some("ask") => Plan::answer(ask_between(&rivals), source),
            Some(_) => Plan::answer(
                "I'm not sure what to change. Tell me what to adjust, for example \"more \
                 reverb\", \"tune me to A minor\" or \"a slow backing in D minor\"."
                    .into(),
                source,
            ),
            None => calls_plan(&chosen.calls, source),
        }
    }

    /// The index of the rival the model finds likeliest (with the words' similarity), or
    /// `None` when no model can score.
    fn rank_by_model(&mut self, text: &str, rivals: &[Candidate]) -> Option<usize> {
        // Only call proposals can be scored as an answer; answers are left to the words.
        if rivals.iter().any(|c| c.calls.is_empty()) {
            return None;
        }
        self.ensure_backend();
        if self.backend_error.is_some() {
            return None;
        }
        let _ = self.warm_up();
        let answers: Vec<String> = rivals
            .iter()
            .map(|c| serde_json::to_string(&c.calls[0]).unwrap_or_default())
            .collect();
        let request = LlmRequest {
            system: &self.system,
            examples: &self.examples,
            history: &[],
            user: text,
        };
        let backend: &mut Box<dyn LlmBackend> = self.backend.as_mut()?;
        let scores = backend.score_answers(&request, &answers)?.ok()?;
        rivals
            .iter()
            .zip(&scores)
            .map(|(c, s)| s + SIMILARITY_WEIGHT * c.similarity.ln())
            .enumerate()
            .filter(|(_, s)| s.is_finite())
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

/// One short question naming what the rivals would do.
fn ask_between(rivals: &[Candidate]) -> String {
    let options: Vec<String> = rivals
        .iter()
        .filter(|c| !c.calls.is_empty())
        .take(3)
        .map(|c| super::describe_calls(&valid(&c.calls)))
        .collect();
    if options.is_empty() {
        OPEN_QUESTION.into()
    } else {
        format!("Do you mean {}?", options.join(", or "))
    }
}

/// The calls that pass validation.
fn valid(calls: &[ToolCall]) -> Vec<ValidCall> {
    calls.iter().filter_map(|c| validate(c).ok()).collect()
}

/// A plan making `calls` (the proposals come from the corpus, so they validate; any that
/// does not is reported, never made).
fn calls_plan(calls: &[ToolCall], source: Source) -> Plan {
    let mut errors = Vec::new();
    let mut ok = Vec::new();
    for call in calls {
        match validate(call) {
            Ok(v) => ok.push(v),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let reply = super::describe_calls(&ok);
    Plan {
        calls: ok,
        reply,
        source,
        errors,
        stats: None,
        failed: false,
    }
}
