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

/// Words and marks that end one order and start the next in a list of orders ("..., then
/// ...", "...; ...", "1) ... 2) ...").
const ORDER_BREAKS: [&str; 14] = [
    " and then ",
    " then ",
    " after that ",
    " afterwards ",
    " after which ",
    " also ",
    " plus ",
    " as well as ",
    " + ",
    " -> ",
    " => ",
    "; ",
    "\n",
    ". ",
];

/// The orders of `text` cut at its breaks (`ORDER_BREAKS`, numbered items), quotes kept
/// whole; one piece when there is no break.
pub fn order_pieces(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths; the cuts are found on the text itself then.
    let probe = if lower.len() == text.len() {
        lower
    } else {
        text.to_string()
    };
    let quoted = quoted_spans(&probe);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for mark in ORDER_BREAKS {
        let mut from = 0;
        while let Some(i) = probe[from..].find(mark).map(|i| i + from) {
            if !quoted.iter().any(|&(a, b)| i > a && i < b) {
                cuts.push((i, i + mark.len()));
            }
            from = i + mark.len();
        }
    }
    cuts.extend(numbered_items(&probe));
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for (a, b) in cuts {
        if a < start {
            continue;
        }
        pieces.push(text[start..a].to_string());
        start = b;
    }
    pieces.push(text[start..].to_string());
    pieces
        .into_iter()
        .map(|p| {
            let p = p.trim_matches(|c: char| c.is_whitespace() || c == ',');
            let unnumbered = p
                .split_once(") ")
                .filter(|(n, _)| n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()))
                .map_or(p, |(_, rest)| rest);
            unnumbered.to_string()
        })
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

/// Byte spans between paired double quotes (or single quotes that open after a space).
fn quoted_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match open {
            Some((a, q)) if c == q => {
                let closes =
                    q == '"' || bytes.get(i + 1).is_none_or(|b| !b.is_ascii_alphanumeric());
                if closes {
                    spans.push((a, i));
                    open = None;
                }
            }
            None if c == '"' || c == '\'' && (i == 0 || bytes[i - 1] == b' ') => {
                open = Some((i, c));
            }
            _ => {}
        }
    }
    spans
}

/// The marks of numbered items after the first ("1) G dorian 2) four titles").
fn numbered_items(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    for i in 1..bytes.len().saturating_sub(1) {
        let item = bytes[i].is_ascii_digit()
            && bytes[i + 1] == b')'
            && bytes[i - 1] == b' '
            && (i < 2 || !bytes[i - 2].is_ascii_digit());
        if item {
            cuts.push((i - 1, i + 2));
        }
    }
    cuts
}

/// "Say take two, confident. Then the backing please", "listen for the key first, then a
/// ballad": a list of orders the whole request reads only in part is read piece by piece.
/// The pieces are taken only when together they call every tool the whole did and more.
pub fn orders_read_apart(text: &str, whole: &[ToolCall], ctx: &Context) -> Option<Vec<ToolCall>> {
    let pieces = order_pieces(text);
    if pieces.len() < 2 {
        return None;
    }
    let mut calls = Vec::new();
    for piece in &pieces {
        match decide(piece, ctx) {
            Decision::Calls(c) if !c.is_empty() => calls.extend(c),
            _ => return None,
        }
    }
    let tools = |c: &[ToolCall]| {
        c.iter()
            .map(|c| c.tool.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (apart, together) = (tools(&calls), tools(whole));
    (apart.is_superset(&together) && apart.len() > together.len()).then_some(calls)
}

#[cfg(test)]
#[path = "sequences_tests.rs"]
mod tests;
