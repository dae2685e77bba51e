//! Controls named together share what is said of them: "whisper and breath off", "less
//! whisper, breath and compression", "turn up the presence and the reverb", "set reverb and
//! vibrato to 40%". A clause that only names controls takes the words of the neighbouring
//! clause that says what to do with its own controls, those controls swapped for its own,
//! so every control gets an order a reader can read alone.

use super::normalise::Word;

/// Words that may stand beside a control's name without saying anything of it.
const DETERMINERS: &[&str] = &[
    "the", "my", "your", "both", "effect", "effects", "fx", "level", "levels", "knob", "knobs",
];

/// Verbs that carry no way of their own: "set reverb and vibrato to 40%" says its value after
/// the last control, "turn the reverb and the breath down" its way.
const LIGHT_VERBS: &[&str] = &["set", "put", "turn", "bring", "make", "get", "have", "take"];

/// Whether a word is a control's name, not an adjective that also says which way
/// ("warmer", "bright").
fn control_noun(text: &str) -> bool {
    super::relative::CONTROLS.contains(&text) && !super::clauses::is_adjective(text)
}

/// Whether a clause names controls and nothing else ("the whisper effects"), with no verb,
/// direction or value of its own.
pub(super) fn is_bare(clause: &[Word]) -> bool {
    clause.iter().any(|w| control_noun(&w.text))
        && clause
            .iter()
            .all(|w| control_noun(&w.text) || DETERMINERS.contains(&w.text.as_str()))
}

/// Whether a clause is a light verb and controls ("set reverb", "turn the reverb"): a
/// predicate still to come.
fn is_light_verb_and_controls(clause: &[Word]) -> bool {
    clause
        .first()
        .is_some_and(|w| LIGHT_VERBS.contains(&w.text.as_str()))
        && is_bare(&clause[1..])
}

/// The run of a clause's words that names its controls (with their determiners), as
/// `(start, end)`, when there is exactly one such run.
fn control_span(clause: &[Word]) -> Option<(usize, usize)> {
    let first = clause.iter().position(|w| control_noun(&w.text))?;
    let last = clause.iter().rposition(|w| control_noun(&w.text))?;
    let inside = |w: &Word| control_noun(&w.text) || DETERMINERS.contains(&w.text.as_str());
    if !clause[first..=last].iter().all(inside) {
        return None;
    }
    let mut start = first;
    while start > 0 && DETERMINERS.contains(&clause[start - 1].text.as_str()) {
        start -= 1;
    }
    let mut end = last + 1;
    while end < clause.len() && DETERMINERS.contains(&clause[end].text.as_str()) {
        end += 1;
    }
    Some((start, end))
}

/// `named` put in the place of `order`'s controls: `order`'s words before them, `named`, then
/// `order`'s words after them.
fn swapped(order: &[Word], span: (usize, usize), named: &[Word], keep_head: bool) -> Vec<Word> {
    let head = if keep_head { &order[..span.0] } else { &[][..] };
    let mut out: Vec<Word> = head
        .iter()
        .chain(named)
        .chain(&order[span.1..])
        .cloned()
        .collect();
    for (i, w) in out.iter_mut().enumerate() {
        w.boundary = i == 0;
    }
    out
}

/// The clauses with every run of bare controls given its neighbour's order. A run gets the
/// order after it when that order starts with its controls ("whisper and breath off"), else
/// the order before it when that ends with them ("less whisper, breath and compression").
/// Clauses with no such neighbour come back as they were.
pub fn share(mut clauses: Vec<Vec<Word>>) -> Vec<Vec<Word>> {
    // The new clauses are made from the old ones, then put in their place.
    let mut shared: Vec<(usize, Vec<Word>)> = Vec::new();
    let mut i = 0;
    while i < clauses.len() {
        let light = is_light_verb_and_controls(&clauses[i]);
        if !is_bare(&clauses[i]) && !light {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < clauses.len() && is_bare(&clauses[end]) {
            end += 1;
        }
        let after = clauses
            .get(end)
            .and_then(|c| control_span(c).map(|s| (c, s)))
            .filter(|(c, s)| s.0 == 0 && s.1 < c.len());
        let before = i
            .checked_sub(1)
            .map(|b| &clauses[b])
            .and_then(|c| control_span(c).map(|s| (c, s)))
            // "Not breath, compression": a contrast, the second is wanted.
            .filter(|(c, s)| {
                s.1 == c.len() && s.0 > 0 && !c[..s.0].iter().any(|w| w.text == "not")
            });
        for (k, named) in clauses.iter().enumerate().take(end).skip(i) {
            let light = is_light_verb_and_controls(named);
            if let Some((order, span)) = after {
                // "Set reverb and vibrato to 40%": the light verb stays, the value follows.
                shared.push((k, swapped(order, span, named, false)));
            } else if let Some((order, span)) = before.filter(|_| !light) {
                shared.push((k, swapped(order, span, named, true)));
            }
        }
        i = end;
    }
    for (k, clause) in shared {
        clauses[k] = clause;
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::understand::normalise::Words;

    fn shared(clauses: &[&str]) -> Vec<String> {
        let clauses: Vec<Vec<Word>> = clauses.iter().map(|c| Words::new(c).words).collect();
        share(clauses)
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn a_bare_control_takes_the_order_after_it() {
        assert_eq!(
            shared(&["whisper", "breath off"]),
            ["whisper off", "breath off"]
        );
        assert_eq!(
            shared(&["presence", "whisper", "robot all at 30%"]),
            [
                "presence all at 30 %",
                "whisper all at 30 %",
                "robot all at 30 %"
            ]
        );
        assert_eq!(
            shared(&["both the output", "the backing down 3 db"]),
            ["both the output down 3 db", "the backing down 3 db"]
        );
    }

    #[test]
    fn a_bare_control_takes_the_order_before_it() {
        assert_eq!(
            shared(&["less whisper", "breath", "compression"]),
            ["less whisper", "less breath", "less compression"]
        );
        assert_eq!(
            shared(&["kill the compression", "the breath"]),
            ["kill the compression", "kill the breath"]
        );
    }

    #[test]
    fn a_light_verb_keeps_itself_and_takes_the_value() {
        assert_eq!(
            shared(&["set reverb", "vibrato to 40%"]),
            ["set reverb to 40 %", "vibrato to 40 %"]
        );
        assert_eq!(
            shared(&["turn the reverb", "the breath down"]),
            ["turn the reverb down", "the breath down"]
        );
    }

    #[test]
    fn clauses_that_say_something_stay_as_they_are() {
        assert_eq!(
            shared(&["more reverb", "less breath"]),
            ["more reverb", "less breath"]
        );
        assert_eq!(shared(&["warmer", "brighter"]), ["warmer", "brighter"]);
        assert_eq!(
            shared(&["tune to c minor", "reverb"]),
            ["tune to c minor", "reverb"]
        );
        assert_eq!(
            shared(&["not breath", "compression"]),
            ["not breath", "compression"]
        );
    }
}
