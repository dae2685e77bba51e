//! Ranking given answers by the model's likelihood: the language layer proposes a few calls
//! (the nearest corpus examples) and the model scores each as a continuation of the chat,
//! instead of writing a call of its own (which the 135M model rarely gets right).

use llama_cpp_2::llama_batch::LlamaBatch;

use super::EmbeddedBackend;
use crate::assistant::llm::{LlmError, LlmRequest};

/// Longest candidate scored, in tokens (a tool call with a few arguments is 15-40 tokens;
/// anything longer is not a call this layer proposes).
const MAX_CANDIDATE_TOKENS: usize = 96;

impl EmbeddedBackend {
    /// The mean log-probability per token of each of `candidates` as the assistant's answer to
    /// `request` (higher is likelier).
    pub(super) fn answer_likelihoods(
        &mut self,
        request: &LlmRequest<'_>,
        candidates: &[String],
    ) -> Result<Vec<f64>, LlmError> {
        let prompt = self.render(request, true)?;
        let base = self.tokenize(&prompt);
        let mut scores = Vec::with_capacity(candidates.len());
        for candidate in candidates {
            let answer = self
                .model
                .vocab()
                .tokenize(candidate.as_bytes(), false, false);
            if answer.is_empty() || answer.len() > MAX_CANDIDATE_TOKENS {
                scores.push(f64::NEG_INFINITY);
                continue;
            }
            // The prompt (mostly from the cache); its last logits predict the first token.
            self.prefill(&base)?;
            let mut total = log_probability(self.ctx.get_logits(), answer[0].0)?;
            // The answer but its last token, each position's logits predicting the next.
            let rest = &answer[..answer.len() - 1];
            if !rest.is_empty() {
                let mut batch = LlamaBatch::new(rest.len(), 1);
                for (i, token) in rest.iter().enumerate() {
                    let pos = (self.cached.len() + i) as i32;
                    batch
                        .add(*token, pos, &[0], true)
                        .map_err(|e| LlmError::Runtime(format!("batch: {e}")))?;
                }
                self.ctx
                    .decode(&mut batch)
                    .map_err(|e| LlmError::Runtime(format!("decode failed: {e}")))?;
                self.cached.extend_from_slice(rest);
                for (i, next) in answer[1..].iter().enumerate() {
                    total += log_probability(self.ctx.get_logits_ith(i as i32), next.0)?;
                }
            }
            scores.push(total / answer.len() as f64);
        }
        Ok(scores)
    }
}

/// `ln p(token)` under the softmax of `logits`; an error for non-finite scores (a damaged
/// model) or a token outside the vocabulary.
fn log_probability(logits: &[f32], token: i32) -> Result<f64, LlmError> {
    let Some(&chosen) = usize::try_from(token).ok().and_then(|t| logits.get(t)) else {
        return Err(LlmError::Runtime(format!(
            "token {token} is not in the vocabulary"
        )));
    };
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if logits.iter().any(|l| !l.is_finite()) {
        return Err(LlmError::Runtime(
            "the model produced a non-finite score; the model file may be damaged".into(),
        ));
    }
    let sum: f64 = logits.iter().map(|l| f64::from(l - max).exp()).sum();
    Ok(f64::from(chosen - max) - sum.ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_probability_is_a_log_softmax() {
        let logits = [0.0f32, 0.0, 0.0, 0.0];
        let lp = log_probability(&logits, 2).expect("in range");
        assert!((lp - 0.25f64.ln()).abs() < 1e-9);
        assert!(log_probability(&logits, 9).is_err());
        assert!(log_probability(&[f32::NAN, 0.0], 1).is_err());
    }
}
