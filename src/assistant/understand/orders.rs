//! Orders that settle a clause whatever else it says: undo the last turn, or turn the
//! song intent into a plan.

use super::normalise::Words;

/// Whether the clause asks to undo.
pub fn is_undo(words: &Words) -> bool {
    words.has_any(&["undo", "revert"])
        || words.has_phrase("go back")
        || words.has_phrase("scratch that")
        || words.has_phrase("take that back")
        || words.has_phrase("change it back")
        || words.has_phrase("put it back")
        || words.has_phrase("back the last")
        || words.has_phrase("take it back")
        || words.has_phrase("return the last")
        || words.has_phrase("cancel the last")
        || words.has_phrase("cancel that")
        || words.has_phrase("like before")
        || words.has_phrase("as it was before")
        || words.has_phrase("how it was")
        || words.has_phrase("the way it was")
        || words.has_phrase("previous sound")
        || words.has_phrase("previous setting")
        || words.has_phrase("previous settings")
        || words.has_phrase("restore the last")
        || words.has_phrase("back to before")
        || words.has_phrase("scrap that")
        || words.has_phrase("take back")
        // "Scrap that" reads as "remove that": alone, it takes the change back.
        || words.len() <= 3 && words.has_phrase("remove that")
        || words.has_phrase("take back what")
        || words.has_phrase("before that change")
        || words.has_phrase("roll back")
        || words.has("rollback")
        || liked_it_before(words)
        || last_change_reversed(words)
}

/// "That was better before", "I liked it better before", "uh no that sounds worse", "oops",
/// "forget that": the change just made is not wanted.
fn liked_it_before(words: &Words) -> bool {
    let short = words.len() <= 7;
    let before = words.has("before") && words.has_any(&["better", "liked", "prefer", "preferred"]);
    // ("Sounds" reads as "sound".)
    let worse = short && words.has("worse") && words.has_any(&["sound", "made", "that"]);
    let slip = words.len() <= 2 && words.has_any(&["oops", "whoops", "oups"]);
    let forget = words.len() <= 3 && words.has_phrase("forget that");
    before || worse || slip || forget
}

/// "Take that last change back", "restore the settings from before that last tweak", "scrap
/// the last edit": the last change named and reversed.
fn last_change_reversed(words: &Words) -> bool {
    let last = words.has_any(&["last", "previous", "latest"]);
    let change = words.has_any(&[
        "change",
        "changes",
        "tweak",
        "tweaks",
        "edit",
        "edits",
        "step",
        "move",
        "adjustment",
    ]);
    let reversed = words.has_any(&[
        "back", "restore", "reverse", "before", "scrap", "cancel", "drop", "remove", "forget",
        "lose", "kill", "rollback", "scratch", "ditch", "delete", "erase",
    ]);
    last && change && reversed
}

/// Whether the clause asks to turn the song intent into a plan.
pub fn is_process(words: &Words) -> bool {
    words.has_any(&["intent", "intention"])
        || words.has("plan") && words.has_any(&["song", "idea", "track", "intent", "music"])
        || words.has_phrase("work it out")
        || words.has_phrase("plan out")
        // "..., then process it", "turn it into a plan" after a new intent.
        // ("too processed", "half as much processed signal" speak of the effect mix).
        || words.has_phrase("process it")
        || words.len() <= 2
            && words.has_any(&["process", "processing"])
            && !words.has_any(&["too", "so", "very", "less", "more", "over"])
        || words.has_phrase("into a plan")
        || words.has_phrase("plan it")
}
