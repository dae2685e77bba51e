//! Requests that mix a question and orders, read as two requests in their order: "what does
//! spread do? put it at 80 %" (the question's calls first) and "undo; what are the settings
//! now?" (the look at the settings last).

use serde_json::json;

use super::normalise::Words;
use super::{clauses, decide, meta, Context, Decision};
use crate::assistant::tools::{ToolCall, ToolName};

/// "Undo; what are the settings now?", "go back one step and then print all the parameters":
/// orders followed by a look at the settings are both carried out, the look last. `None` when
/// the last clause does not ask for the settings or the clauses before it order nothing.
pub fn orders_then_state(words: &Words, ctx: &Context) -> Option<Vec<ToolCall>> {
    let clauses = clauses::split(words);
    let (last, before) = clauses.split_last()?;
    if before.is_empty() || !meta::is_state_question(last) {
        return None;
    }
    // The orders as written, capitals kept ("tune to A minor; ..." keeps its key).
    let orders: Vec<_> = before
        .iter()
        .flat_map(|c| c.words.iter().cloned())
        .collect();
    let Decision::Calls(mut calls) = decide(&super::mixed::text_of(&orders), ctx) else {
        return None;
    };
    if calls.iter().all(|c| c.tool == ToolName::GetState.as_str()) {
        return None;
    }
    calls.push(ToolCall::new(ToolName::GetState, json!({})));
    Some(calls)
}

/// "What does spread do? Put it at 80 %", "what's my retune speed right now? and make it 10 ms
/// faster": a question followed by orders is read as two requests, the question's calls (a
/// look at the settings, a listen) first; a question only answered in words gives none.
/// `None` when there is no such question or the rest orders nothing.
pub fn question_then_orders(text: &str, ctx: &Context) -> Option<Vec<ToolCall>> {
    let cut = text
        .find('?')
        .map(|i| (i, 1))
        .or_else(|| text.find("...").map(|i| (i, 3)))?;
    let (question, rest) = (&text[..cut.0], &text[cut.0 + cut.1..]);
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '?' || c == '.');
    if rest.trim().is_empty() {
        return None;
    }
    // A real question ("what...", "is...", "my pitch was good?"), not a request phrased as
    // one ("can you do something in D-flat? smooth, late night") or a topic ("song title
    // ideas? theme is insomnia"), which the rest describes.
    let asked = Words::new(question);
    let real = matches!(
        asked.at(0),
        "what"
            | "whats"
            | "what's"
            | "how"
            | "hows"
            | "which"
            | "where"
            | "wheres"
            | "why"
            | "when"
            | "does"
            | "do"
            | "is"
            | "are"
            | "was"
            | "were"
            | "did"
            | "am"
    ) || asked.has_any(&["was", "were"]) && !asked.has_any(&["can", "could", "would"]);
    if !real {
        return None;
    }
    // "What does spread do? Put it at 80 %": the "it" is the control the question named.
    let named: Vec<&str> = asked
        .texts()
        .into_iter()
        .filter(|w| clauses::names_control(w) || matches!(*w, "spread" | "width"))
        .collect();
    let orders = match decide(rest, ctx) {
        Decision::Calls(orders) => orders,
        _ if !named.is_empty() => match decide(&format!("{} {rest}", named.join(" ")), ctx) {
            Decision::Calls(orders) => orders,
            _ => return None,
        },
        _ => return None,
    };
    let mut calls = match decide(&format!("{question}?"), ctx) {
        Decision::Calls(asked) => asked,
        _ => Vec::new(),
    };
    calls.extend(orders);
    Some(calls)
}
