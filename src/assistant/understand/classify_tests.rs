//! Tests of the clause topics.
use super::*;
use crate::assistant::state::ParamSnapshot;

fn topics(text: &str) -> Vec<Option<Topic>> {
    let state = ParamSnapshot::default();
    let ctx = Context {
        state: &state,
        backing: None,
    };
    let clauses = super::super::clauses::split(&Words::new(text));
    let facts = request_facts(&clauses, &ctx);
    let mut previous = None;
    clauses
        .iter()
        .map(|c| {
            let t = topic(c, facts, previous, &ctx);
            previous = t.or(previous);
            t
        })
        .collect()
}

#[test]
fn clauses_get_their_tools() {
    assert_eq!(
        topics("tune to C minor and add some reverb"),
        [Some(Topic::Tune), Some(Topic::Voice)]
    );
    assert_eq!(
        topics("Bb major, 118"),
        [Some(Topic::Backing), Some(Topic::Backing)]
    );
    assert_eq!(
        topics("make a reggae backing and start it"),
        [Some(Topic::Backing), Some(Topic::BackingMix)]
    );
    assert_eq!(
        topics("take 2 dB off the backing"),
        [Some(Topic::BackingMix)]
    );
    assert_eq!(topics("make me louder"), [Some(Topic::Output)]);
    assert_eq!(topics("happy pop tune in E major"), [Some(Topic::Backing)]);
    assert_eq!(topics("undo that"), [Some(Topic::Undo)]);
}
