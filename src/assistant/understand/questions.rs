//! Whether a request asks rather than orders: a question's words and marks (with or without
//! its question mark), advice sought, and the orders a question may still give ("can you...",
//! "what if...").

use super::meta;
use super::normalise::Words;
use super::unmarked;

/// Whether the request is phrased as a question (it may still be an order: "can you...").
pub(super) fn is_question(words: &Words) -> bool {
    let wh = matches!(
        words.at(0),
        "how" | "why" | "what" | "whats" | "which" | "who" | "when" | "should" | "wat"
    ) && !matches!(words.at(1), "about");
    // "Do you...", "is it..." ask; "do backing rock 120" orders, and so does "do the
    // autotune deactivated" (a learner's imperative; "do the harmonies follow?" is asked by
    // its question mark).
    // "Is reverb the same thing as echo", "is 120 too fast for a ballad": a sentence that
    // starts with "is", "are" or "does" asks, question mark or not ("is possible more bass?"
    // and "is there a way to..." are a learner's and a polite order).
    let yes_no = matches!(words.at(0), "does" | "is" | "are")
        && !matches!(words.at(1), "possible" | "there" | "ok" | "okay" | "too")
        || words.at(0) == "do"
            && matches!(words.at(1), "you" | "i" | "we" | "it" | "this" | "that");
    // "Compression - explain like I'm 5", "define formant".
    let explain = words.has_any(&["explain", "define", "definition"]);
    // "I don't get why phrygian sounds dark", "tell me what make-up gain means": a user who
    // says they do not understand asks.
    let puzzled = ["don't understand", "dont understand", "not understand"]
        .iter()
        .any(|p| words.has_phrase(p))
        || ["don't get", "dont get", "tell me"].iter().any(|p| {
            // At the start: "bypass it and tell me how my pitch was" orders a listen.
            words.find_phrase(p).is_some_and(|i| {
                i <= 2 && matches!(words.at(i + 2), "what" | "why" | "how" | "whats")
            })
        });
    wh || yes_no || explain || puzzled
}

/// "Should I put compression on rap vocals?", "does the vibrato knob add vibrato or keep
/// mine?": a question about what something does or whether to do it, whatever verbs it holds
/// ("can you add reverb?" is an order).
pub(super) fn asks_advice(text: &str, words: &Words) -> bool {
    // Typed without its question mark, a question still starts as one ("should I put
    // compression on rap vocals"); "will" and "would" also start polite orders.
    let marked = text.trim_end().ends_with('?');
    (marked && matches!(words.at(0), "will" | "would")
        || matches!(words.at(0), "should" | "does" | "is" | "are"))
        && !matches!(words.at(1), "you" | "u")
        // "Is it possible to make me sound deeper?" asks politely for it.
        && !words.has_any(&["possible", "please", "pls"])
        && !words.has_phrase("a way to")
}

/// Whether a request written as a statement asks all the same: a question mark with a
/// question word anywhere ("is phrygian the one with the flat second?", "more ms = more
/// natural, right?"), or "means what" ("mix at 50% means what exactly"). "More reverb?" has
/// no question word and stays an order.
pub(super) fn asks_by_its_marks(text: &str, words: &Words) -> bool {
    let marked = text.trim_end().ends_with('?')
        && words.has_any(&[
            "what",
            "whats",
            "how",
            "why",
            "which",
            "where",
            "does",
            "do",
            "is",
            "are",
            "mean",
            "means",
            "difference",
            "right",
        ]);
    // "Is possible more bass in the voice?": a learner's polite order.
    let learners_order = words.at(1) == "possible";
    marked && !learners_order
        || words.has_phrase("means what")
        || words.has_phrase("mean what")
        || words.has_phrase("what exactly")
}

/// Whether a question also gives an order ("what if you tuned me to A?").
pub(super) fn is_order(words: &Words) -> bool {
    // "Is this in tune?" asks; "tune" there is not an order, nor "add" in "why does the
    // plugin add latency?".
    if words.has_phrase("in tune") || words.has_phrase("of tune") || meta::asks_about(words) {
        return false;
    }
    // "What if we tried E minor?", "how about...": suggestions are orders.
    if words.has_phrase("what if")
        || words.has_phrase("why not")
        || words.has_phrase("how about")
        || words.has_phrase("what about")
        // "Could you do a dance track in G?"
        || words.has_phrase("do a")
        || words.has_phrase("do an")
    {
        return true;
    }
    // "Which mode has the raised fourth?": a participle describes, it does not order.
    let verbs = [
        "set", "make", "tune", "give", "add", "switch", "change", "turn", "put", "use", "drop",
        "raise", "generate", "create", "say", "speak", "suggest",
    ];
    words.words.iter().any(|w| {
        // "Is it possible to start the backing?", "do you mind to stop the beat?".
        let verb =
            verbs.contains(&w.text.as_str()) || unmarked::ORDER_VERBS.contains(&w.text.as_str());
        verb && !w.raw.ends_with("ed")
    }) || words.has_phrase("work it out")
        || words.has_phrase("work out")
}
