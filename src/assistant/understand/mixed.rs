//! Compound requests whose clauses need different kinds of reader: "what key am I in, and add
//! some reverb", "a boom bap beat at 90 and three title ideas". The readers for listening,
//! names and the state each take a whole request, so without this the first one found
//! answered and the other orders were lost. Here each such clause is read alone, the clauses
//! between them are read together as usual, and the calls keep the request's order.

use super::normalise::{Word, Words};
use super::{classify, decide, listen, meta, names, Context, Decision};
use crate::assistant::tools::{ToolCall, ToolName};
use serde_json::json;

/// The call of a clause that one of the whole-request readers reads on its own.
fn own_call(clause: &Words) -> Option<ToolCall> {
    if let Some(call) = listen::read(clause) {
        return Some(call);
    }
    if names::asks(clause) {
        return Some(names::read(clause));
    }
    (meta::is_state_question(clause) && !classify::is_undo(clause))
        .then(|| ToolCall::new(ToolName::GetState, json!({})))
}

/// The text of a run of words, with the capitals they were written with (a lone "A" stays a
/// note) and a comma where a clause started.
pub(super) fn text_of(words: &[Word]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(if w.boundary { ", " } else { " " });
        }
        let mut chars = w.text.chars();
        match chars.next() {
            Some(first) if w.capital => out.extend(first.to_uppercase().chain(chars)),
            _ => out.push_str(&w.text),
        }
    }
    out
}

/// Words that join two orders in one request (a comma alone may only add detail: "title
/// ideas, sad breakup vibe" is one request for names).
const JOINERS: [&str; 6] = ["and", "then", "also", "plus", "after", "afterwards"];

/// The request cut where a joining word starts a clause.
fn split_at_joiners(words: &Words) -> Vec<Words> {
    let mut out: Vec<Vec<Word>> = vec![Vec::new()];
    for w in &words.words {
        if JOINERS.contains(&w.text.as_str()) {
            if out.last().is_some_and(|c| !c.is_empty()) {
                out.push(Vec::new());
            }
            continue;
        }
        if let Some(last) = out.last_mut() {
            let mut word = w.clone();
            word.boundary = w.boundary || last.is_empty();
            last.push(word);
        }
    }
    out.into_iter()
        .filter(|c| !c.is_empty())
        .map(|c| Words { words: c })
        .collect()
}

/// The calls of a compound request with at least one clause for a whole-request reader and
/// at least one other clause that makes calls; `None` otherwise (the request is read as one).
pub fn read(words: &Words, ctx: &Context) -> Option<Vec<ToolCall>> {
    let pieces = split_at_joiners(words);
    if pieces.len() < 2 {
        return None;
    }
    let owned: Vec<Option<ToolCall>> = pieces.iter().map(own_call).collect();
    if owned.iter().all(Option::is_none) || owned.iter().all(Option::is_some) {
        return None;
    }
    let mut calls = Vec::new();
    let mut others = Vec::new();
    let mut run: Vec<Word> = Vec::new();
    let mut flush = |run: &mut Vec<Word>, calls: &mut Vec<ToolCall>| {
        if run.is_empty() {
            return;
        }
        if let Decision::Calls(more) = decide(&text_of(run), ctx) {
            others.extend(more.iter().map(|c| c.tool.clone()));
            calls.extend(more);
        }
        run.clear();
    };
    for (clause, own) in pieces.into_iter().zip(owned) {
        match own {
            Some(call) => {
                flush(&mut run, &mut calls);
                calls.push(call);
            }
            None => run.extend(clause.words),
        }
    }
    flush(&mut run, &mut calls);
    // A song plan answers with its key and tempo itself: "run my intent and tell me the key"
    // asks for one thing.
    let plans = others
        .iter()
        .any(|t| t == ToolName::IntentProcess.as_str() || t == ToolName::IntentNew.as_str());
    (!others.is_empty() && !plans).then_some(calls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::state::ParamSnapshot;

    fn tools(text: &str) -> Option<Vec<String>> {
        let state = ParamSnapshot::default();
        let ctx = Context {
            state: &state,
            backing: None,
        };
        read(&Words::new(text), &ctx).map(|calls| calls.into_iter().map(|c| c.tool).collect())
    }

    #[test]
    fn a_listening_question_and_an_order_both_count() {
        assert_eq!(
            tools("what key am I in and add some reverb"),
            Some(vec!["listen".to_string(), "voice_modulate".to_string()])
        );
    }

    #[test]
    fn requests_of_one_kind_are_left_whole() {
        assert_eq!(tools("add some reverb and more breath"), None);
        assert_eq!(tools("what key am I in?"), None);
        assert_eq!(tools("title ideas pls, sad breakup vibe"), None);
    }
}
