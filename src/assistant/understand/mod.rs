//! Understanding a request without the model: normalised words (`normalise`, `vocab`),
//! shared slots (`slots`), moves from the current value (`relative`), compound requests cut
//! into clauses (`clauses`) each given a topic (`classify`, with the trained scorer `model`
//! for what the rules leave), one reader per tool, a guard against inversions (`guard`), and
//! the glossary for questions (`glossary`). Everything ends as the same `ToolCall`s the model
//! produces, or as an answer, a question, or "pass to the model".

pub mod amount_spellings;
pub mod asides;
pub mod backing;
pub mod bypass;
pub mod catalogue;
pub mod characters;
pub mod classify;
pub mod clauses;
pub mod contrasts;
pub mod coordination;
pub mod described;
pub mod fractions;
pub mod glossary;
pub mod guard;
pub mod harmony;
pub mod intent;
pub mod kept;
pub mod keys;
pub mod learner_words;
pub mod lexicon;
pub mod listen;
pub mod meta;
pub mod mix;
pub mod mixed;
pub mod model;
pub mod modulate;
pub mod names;
pub mod nearest;
pub mod normalise;
pub mod orders;
pub mod polarity;
pub mod questions;
pub mod references;
pub mod relative;
pub mod relative_words;
pub mod retune;
pub mod rewrite;
pub mod score;
pub mod sequences;
pub mod shifts;
pub mod slots;
pub mod speak;
pub mod styles;
pub mod synonyms;
pub mod targets;
pub mod tempo_words;
pub mod tone;
pub mod topic_words;
pub mod tune;
pub mod tune_ladder;
pub mod unmarked;
pub mod vocab;
pub mod wet_dry;

use serde_json::{json, Map, Value};

use self::classify::Topic;
use self::normalise::Words;
use super::state::{BackingSpec, ParamSnapshot};
use super::tools::{ToolCall, ToolName};
use crate::music::theory::{PitchClass, ScaleKind};

/// What the request is read against: the current parameters and the current backing.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Every parameter's current value.
    pub state: &'a ParamSnapshot,
    /// The backing loaded now, if any ("a bit faster" changes it).
    pub backing: Option<&'a BackingSpec>,
}

/// What the understanding decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Calls to make, in order.
    Calls(Vec<ToolCall>),
    /// An answer from the glossary (no change).
    Answer(String),
    /// One short question, because the request could mean several things.
    Ask(String),
    /// No rule read it, but corpus examples close to it propose these (closest first): the
    /// model (if any) ranks close rivals.
    Nearest(Vec<nearest::Candidate>),
    /// Nothing read and nothing near: one question with the choices, unless a model the user
    /// chose (a server) can try; the small built-in model only guesses here.
    Unread,
    /// Nothing certain: the model (if any) answers.
    Pass,
}

/// Decides what `text` asks for.
pub fn decide(text: &str, ctx: &Context) -> Decision {
    let whole = decide_whole(text, ctx);
    match &whole {
        Decision::Calls(calls) => sequences::orders_read_apart(text, calls, ctx)
            .map(Decision::Calls)
            .unwrap_or(whole),
        _ => whole,
    }
}

/// Decides what `text` asks for, read as one request.
fn decide_whole(text: &str, ctx: &Context) -> Decision {
    let words = Words::new(text);
    if words.is_empty() {
        return Decision::Pass;
    }
    if let Some(calls) = sequences::question_then_orders(text, ctx) {
        return Decision::Calls(calls);
    }
    if let Some(what) = catalogue::asked(&words) {
        return Decision::Answer(catalogue::list(what));
    }
    // "What bpm is the backing?", "which preset am I on": a look at the settings, before the
    // glossary or a listen reads the words.
    if meta::asks_a_setting(&words) {
        return Decision::Calls(vec![ToolCall::new(ToolName::GetState, json!({}))]);
    }
    // "What does 'pumping' mean?", "why do people say a vocal is 'muddy'?": a quoted word in
    // a question about meaning is a term, not a title or a text to speak.
    let about = meta::asks_about(&words);
    // "Can you explain the hard tune preset?": the glossary answers before any reader orders.
    if let Some(answer) = glossary::answer(&words).filter(|_| about) {
        return Decision::Answer(answer);
    }
    if meta::asks_an_outcome(&words) {
        return Decision::Pass;
    }
    if intent::asks(text, &words) && !about {
        if let Some(call) = intent::read(text, &words) {
            let mut calls = vec![call];
            if intent::then_process(text, &words) {
                calls.push(ToolCall::new(ToolName::IntentProcess, json!({})));
            }
            if let Some(rest) = intent::then_titles(text) {
                calls.push(names::read(&Words::new(&rest)));
            }
            return Decision::Calls(calls);
        }
    }
    if let Some((call, rest)) = speak::read(text, &words).filter(|_| !about) {
        // Orders written before the speaking verb come first ("stop the beat, then read
        // this: ...").
        let mut calls = match speak::prior_orders(text).map(|p| decide(&p, ctx)) {
            Some(Decision::Calls(before)) => before,
            _ => Vec::new(),
        };
        calls.push(call);
        if let Decision::Calls(more) = decide(&rest, ctx) {
            calls.extend(more);
        }
        return Decision::Calls(calls);
    }
    if let Some(calls) = mixed::read(&words, ctx) {
        return Decision::Calls(calls);
    }
    if let Some(call) = listen::read(&words) {
        return Decision::Calls(vec![call]);
    }
    if let Some(calls) = sequences::orders_then_state(&words, ctx) {
        return Decision::Calls(calls);
    }
    let state_asked = meta::is_state_question(&words) || meta::asks_bare_control(text, &words);
    if state_asked && !classify::is_undo(&words) {
        return Decision::Calls(vec![ToolCall::new(ToolName::GetState, json!({}))]);
    }
    if meta::is_reset_all(&words) {
        return Decision::Calls(meta::reset_all());
    }
    if names::asks(&words) {
        return Decision::Calls(vec![names::read(&words)]);
    }
    if let Some(answer) = glossary::about_me(&words).or_else(|| glossary::answer(&words)) {
        return Decision::Answer(answer);
    }
    // "Is hard tune the T-Pain one? load it": a question answered by an order after it.
    let orders_after = text
        .trim_end()
        .trim_end_matches('?')
        .rsplit_once('?')
        .is_some_and(|(_, rest)| {
            let rest = Words::new(rest);
            !rest.is_empty() && !questions::is_question(&rest)
        });
    if (questions::is_question(&words) || questions::asks_by_its_marks(text, &words))
        && (!questions::is_order(&words) || questions::asks_advice(text, &words))
        && !orders_after
    {
        // A question nothing reads ("who are you?") is the model's to answer; the scorer
        // may only turn it into a look at the settings ("what have you changed?"), never
        // into an order ("what do you think of my song?" is not "plan my song"). Advice and
        // reasons are the model's alone ("how much reverb should I use?").
        if about {
            return Decision::Pass;
        }
        return match unread(&words) {
            Decision::Unread => Decision::Pass,
            Decision::Calls(c) if !only_looks(&c) => Decision::Pass,
            // "What makes a scale pentatonic?" is near "just the pentatonic scale", which
            // orders: only looks and answers are proposed for a question.
            Decision::Nearest(c) => {
                let kept: Vec<_> = c.into_iter().filter(|c| only_looks(&c.calls)).collect();
                if kept.is_empty() {
                    Decision::Pass
                } else {
                    Decision::Nearest(kept)
                }
            }
            other => other,
        };
    }
    if let Some(name) = references::bare_likeness(&words) {
        return Decision::Ask(format!(
            "Do you want a backing in the style of {name}, or your voice to sound like {name}?"
        ));
    }
    if meta::names_nothing(&words) {
        let question = meta::vague_edit(&words).unwrap_or_else(|| OPEN_QUESTION.to_string());
        return Decision::Ask(question);
    }
    let calls = read_clauses(&words, ctx);
    if !calls.is_empty() {
        return Decision::Calls(calls);
    }
    if let Some(question) = meta::vague_edit(&words) {
        return Decision::Ask(question);
    }
    // Nothing read: the same request in the readers' words ("it's pumping" is "less
    // compression"), read once more.
    // The normalised words are tried too: a synonym or a learner's phrasing ("the voice is too
    // much acute") reaches the lexicon in the readers' words.
    // Only when a word was corrected or replaced: otherwise the words are the text's own, minus
    // what tells them apart ("like my dad's record collection" is no "like my dad").
    let replaced = words.words.iter().any(|w| w.text != w.raw);
    let normalised = replaced.then(|| words.texts().join(" "));
    for said in std::iter::once(text).chain(normalised.as_deref()) {
        if let Some(plain) = lexicon::stored().rewrite(said) {
            let calls = read_clauses(&Words::new(&plain), ctx);
            if !calls.is_empty() {
                return Decision::Calls(calls);
            }
        }
    }
    // "Voice like Pinocchio, small and high": a sound described across clauses that each say
    // too little on their own.
    if !crate::assistant::descriptors::sound_changes(&words.texts()).is_empty() {
        let mut args = Map::new();
        described::described(&words, ctx, &mut args);
        if !args.is_empty() {
            return Decision::Calls(vec![ToolCall::new(
                ToolName::VoiceModulate,
                Value::Object(args),
            )]);
        }
    }
    unread(&words)
}

/// Proposals are made only from examples at least this close (cosine of IDF-weighted words):
/// below it the shared words are common ones ("make", "my", "something") and the example says
/// nothing (0.35 let "make it nicer pls" borrow a whisper and "do something" a backing, on the
/// dev split).
const NEAR_ENOUGH: f64 = 0.5;

/// How many proposals go to the choice (the model scores each: a few keep a turn fast).
const PROPOSALS: usize = 3;

/// What no rule read: the trained scorer when it is sure, else the nearest examples'
/// proposals when one is close enough, else the model on its own.
fn unread(words: &Words) -> Decision {
    // "Hello there, how is your day going?" is small talk, not a look at the settings.
    if greets(words) && words.len() <= 8 {
        return Decision::Pass;
    }
    match model::fallback(words) {
        Decision::Pass => {}
        sure => return sure,
    }
    let candidates = nearest::stored().candidates(words, PROPOSALS);
    // Small talk ("hi there!") is the model's to answer in its own words.
    if candidates
        .first()
        .is_some_and(|c| c.similarity >= NEAR_ENOUGH && c.answer.as_deref() != Some("reply"))
    {
        return Decision::Nearest(candidates);
    }
    // Nothing known is near: small talk goes to the model, anything else gets one question
    // with the choices rather than a guess.
    let small_talk = greets(words)
        || model::stored()
            .rank(words)
            .first()
            .is_none_or(|(label, _)| label == "reply");
    if small_talk {
        Decision::Pass
    } else {
        Decision::Unread
    }
}

/// Whether `calls` only look at the settings or listen to the take (or are none): what a
/// question may lead to.
fn only_looks(calls: &[ToolCall]) -> bool {
    calls
        .iter()
        .all(|c| c.tool == ToolName::GetState.as_str() || c.tool == ToolName::Listen.as_str())
}

/// Whether the request greets, thanks or reacts ("hello!", "thanks", "lol nice"): small talk
/// for the model, never a question back.
fn greets(words: &Words) -> bool {
    words.has_any(&[
        "hi", "hello", "hey", "heya", "yo", "thanks", "thank", "thx", "cheers", "bye", "goodbye",
        "lol", "cool", "nice", "awesome", "great", "morning", "evening",
    ])
}

/// The question for a request nothing reads: the four things the assistant can change.
pub const OPEN_QUESTION: &str =
    "What should I change: the tuning, the voice, the backing or the levels?";

/// How each clause of `text` was scored, one line per clause (the corpus prints this for the
/// train and dev requests it gets wrong).
pub fn explain(text: &str, ctx: &Context) -> String {
    let clauses = clauses::split(&Words::new(text));
    let facts = classify::request_facts(&clauses, ctx);
    let mut previous = None;
    let mut lines = Vec::with_capacity(clauses.len());
    for c in &clauses {
        let scores = classify::scores(c, facts, previous, ctx);
        previous = scores.best().or(previous);
        lines.push(format!(
            "    [{}] {}",
            c.texts().join(" "),
            scores.explain()
        ));
    }
    lines.join("\n")
}

/// The calls of every clause, in order.
fn read_clauses(words: &Words, ctx: &Context) -> Vec<ToolCall> {
    let clauses = clauses::split(words);
    let facts = classify::request_facts(&clauses, ctx);
    let mut previous = None;
    let mut tagged = Vec::with_capacity(clauses.len());
    for c in clauses {
        // A question among orders ("what should the music be like? work it out from my
        // intent") gives context, not an order of its own.
        let asking = questions::is_question(&c) && !questions::is_order(&c);
        let t = own_topic(&c)
            .or_else(|| harmony_referred_to(&c, previous))
            .or_else(|| classify::topic(&c, facts, previous, ctx))
            .filter(|_| !asking);
        let t = asked_topic(&c).or(t);
        // "Cleo Sol type backing, warm and slow": the clause joins the one it describes.
        let t = t.filter(|&t| !asides::describes_neighbour(&c, Some(t), previous));
        previous = t.or(previous);
        tagged.push((c, t));
    }
    let mut backing_key = ctx.backing.and_then(spec_key);
    let mut tune_key: tune::KeyRef = None;
    let mut calls: Vec<ToolCall> = Vec::new();
    for group in clauses::group(tagged) {
        let Some(mut call) = read_group(&group, ctx, backing_key) else {
            continue;
        };
        if call.tool == ToolName::BackingGenerate.as_str() {
            // "Tune me to G minor, then a backing in the same key".
            if !call.args.contains_key("key") && tune::wants_other_key(&group.words) {
                if let Some((k, s)) = tune_key {
                    call.args.insert("key".into(), json!(k.name()));
                    if let Some(s) = s {
                        call.args.insert("mode".into(), json!(s.id()));
                    }
                }
            }
            backing_key = call_key(&call, "mode").or(backing_key);
        }
        if call.tool == ToolName::VoiceTune.as_str() {
            tune_key = call_key(&call, "scale").or(tune_key);
        }
        let also = also_voice(&group, ctx);
        for call in std::iter::once(call).chain(also) {
            let call = guard::check(call, &group.words, ctx.state);
            if let Some(call) = call.and_then(|c| kept::without_kept(c, &group.words)) {
                push_merged(&mut calls, call);
            }
        }
    }
    calls
}

/// The topic of clauses about harmony voices or tuning targets (chords, note sets), which
/// the scorer does not know.
fn own_topic(words: &Words) -> Option<Topic> {
    if harmony::mentions(words) {
        Some(Topic::Harmony)
    } else if targets::mentions(words) {
        Some(Topic::Tune)
    } else {
        None
    }
}

/// "Three harmonies, wide, and keep them a little quieter": a level or width said of "them"
/// right after the harmony voices is theirs.
fn harmony_referred_to(words: &Words, previous: Option<Topic>) -> Option<Topic> {
    let pronoun = words.has_any(&["them", "they", "those", "em"]);
    let level = words.has_any(&[
        "quieter", "louder", "quiet", "loud", "softer", "down", "up", "lower", "level", "volume",
        "wider", "narrower", "under",
    ]);
    let other = words.has_any(&[
        "voice", "vocal", "me", "my", "myself", "output", "backing", "beat", "track", "music",
    ]);
    (previous == Some(Topic::Harmony) && pronoun && level && !other).then_some(Topic::Harmony)
}

/// The topic of a clause that asks the assistant to listen, show the settings or find
/// titles, among other orders ("listen for my key, and after that build me a ballad",
/// "undo; what are the settings now?", "blues in E. titles: leaving.").
fn asked_topic(words: &Words) -> Option<Topic> {
    if listen::read(words).is_some() {
        Some(Topic::Listen)
    } else if meta::is_state_question(words) && !classify::is_undo(words) {
        Some(Topic::State)
    } else if names::asks(words) {
        Some(Topic::Titles)
    } else {
        None
    }
}

/// A tuning call with the chord-following and note-set arguments the words add (or those
/// alone when the tuning reader found nothing).
fn with_targets(call: Option<ToolCall>, words: &Words) -> Option<ToolCall> {
    let Some(extra) = targets::read(words) else {
        return call;
    };
    match call {
        Some(mut call) => {
            // The notes of a note set are not a key ("don't let it pull me to B"), and
            // removing a note from the tuning does not switch the tuning off.
            if targets::note_set(words).is_some() {
                call.args.remove("key");
                if call.args.get("enabled") == Some(&Value::Bool(false)) {
                    call.args.remove("enabled");
                }
            }
            call.args.extend(extra.args);
            Some(call)
        }
        None => Some(extra),
    }
}

/// Effects named inside a tuning clause ("hard tune in C# minor with lots of reverb"): the
/// voice call that goes with the tuning call.
fn also_voice(group: &clauses::Group, ctx: &Context) -> Option<ToolCall> {
    const EFFECTS: [&str; 14] = [
        "dry",
        "drier",
        "dryer",
        "wetter",
        "reverb",
        "echo",
        "breath",
        "breathy",
        "whisper",
        "compression",
        "warmth",
        "presence",
        "formant",
        "breathiness",
    ];
    (group.topic == Topic::Tune && group.words.has_any(&EFFECTS))
        .then(|| modulate::read(&group.words, ctx))
        .flatten()
}

/// One group's call, with the other readers as a fallback when its own finds nothing.
fn read_group(group: &clauses::Group, ctx: &Context, key: tune::KeyRef) -> Option<ToolCall> {
    let w = &group.words;
    let own = match group.topic {
        Topic::Tune => with_targets(tune::read(w, ctx, key), w),
        Topic::Harmony => harmony::read(w, ctx),
        Topic::Voice => modulate::read(w, ctx),
        Topic::Backing => Some(backing_or_its_mix(w, ctx)),
        Topic::BackingMix => mix::read(w, ctx, mix::Target::Backing),
        Topic::Output => mix::read(w, ctx, mix::Target::Output),
        Topic::Process => {
            Some(new_intent(w).unwrap_or_else(|| ToolCall::new(ToolName::IntentProcess, json!({}))))
        }
        Topic::Undo => Some(ToolCall::new(ToolName::Undo, json!({}))),
        Topic::Listen => listen::read(w),
        Topic::State => Some(ToolCall::new(ToolName::GetState, json!({}))),
        Topic::Titles => Some(names::read(w)),
    };
    own.or_else(|| match group.topic {
        Topic::Tune => modulate::read(w, ctx),
        Topic::Voice => tune::read(w, ctx, key),
        Topic::Output => modulate::read(w, ctx),
        _ => None,
    })
}

/// "Create the intent Glass Harbour" among other orders: the new song, not the plan of the
/// one loaded.
fn new_intent(words: &Words) -> Option<ToolCall> {
    let text = mixed::text_of(&words.words);
    if intent::asks(&text, words) {
        return intent::read(&text, words);
    }
    // "Intent: Glass Harbour. Then process.": the noun, then a capitalised name.
    let lead = usize::from(words.at(0) == "new");
    let named = matches!(words.at(lead), "intent" | "intention")
        && words.len() > lead + 1
        && words.words[lead + 1..].iter().all(|w| w.capital);
    named.then(|| {
        let title = mixed::text_of(&words.words[lead + 1..]);
        ToolCall::new(ToolName::IntentNew, json!({ "title": title }))
    })
}

/// The backing call of a clause about the backing; when it would only make another of the
/// backing loaded (no style, key, tempo or length said, no "new" or "another"), the clause is
/// about the one playing: its switch or level ("let the backing sound now", "the
/// instrumental's buried under me, raise it").
fn backing_or_its_mix(words: &Words, ctx: &Context) -> ToolCall {
    let call = backing::read(words, ctx, true);
    let asks_new = words.has_any(&["new", "another", "different", "generate", "create"])
        || words.has("again") && !words.has_any(&["connect", "reconnect", "on", "play"]);
    if call.args.is_empty() && ctx.backing.is_some() && !asks_new {
        if let Some(mix) = mix::read(words, ctx, mix::Target::Backing) {
            return mix;
        }
    }
    call
}

/// Adds `call`, joining it to the previous call of the same tool (later arguments win).
fn push_merged(calls: &mut Vec<ToolCall>, call: ToolCall) {
    let mergeable = matches!(
        call.tool.as_str(),
        "voice_tune" | "voice_modulate" | "mix_control" | "backing_generate"
    );
    match calls.last_mut() {
        // "Intent: X. Then process.": the plan is made once.
        Some(last) if last.tool == ToolName::IntentProcess.as_str() && last.tool == call.tool => {}
        Some(last) if mergeable && last.tool == call.tool => {
            let mut args: Map<_, _> = std::mem::take(&mut last.args);
            args.extend(call.args);
            last.args = args;
        }
        _ => calls.push(call),
    }
}

/// The key and mode of a backing spec.
fn spec_key(spec: &BackingSpec) -> tune::KeyRef {
    let key = spec.key.parse::<PitchClass>().ok()?;
    Some((key, spec.mode.parse::<ScaleKind>().ok()))
}

/// The key (and mode, under `mode_arg`) a call names.
fn call_key(call: &ToolCall, mode_arg: &str) -> tune::KeyRef {
    let key = call.args.get("key")?.as_str()?.parse::<PitchClass>().ok()?;
    let mode = call
        .args
        .get(mode_arg)
        .and_then(|m| m.as_str())
        .and_then(|m| m.parse::<ScaleKind>().ok());
    Some((key, mode))
}

#[cfg(test)]
#[path = "understand_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "phrasings_tests.rs"]
mod phrasings_tests;

#[cfg(test)]
#[path = "grid_tests.rs"]
mod grid_tests;
#[cfg(test)]
#[path = "grid_tests_phrasing.rs"]
mod grid_tests_phrasing;
