//! Tests of `relative`: moves read from the words around a control.

use super::*;
use crate::assistant::understand::polarity::{polarity, Polarity};

const EFFECT: Steps = Steps {
    default: 0.3,
    floor_more: 0.5,
};

fn moved(text: &str, trigger: &str, now: f32) -> f32 {
    let words = Words::new(text);
    let at = words.find_any(&[trigger]).expect("trigger");
    apply_fraction(read_move(&words, at).expect("move"), now, EFFECT)
}

#[test]
fn moves_from_the_current_value() {
    assert_eq!(moved("less reverb", "reverb", 0.5), 0.3);
    assert_eq!(moved("less reverb", "reverb", 0.1), 0.04);
    assert_eq!(moved("more reverb", "reverb", 0.0), 0.5);
    assert_eq!(moved("more reverb", "reverb", 0.6), 0.8);
    assert_eq!(moved("a bit more reverb", "reverb", 0.3), 0.45);
    assert_eq!(moved("halve the reverb", "reverb", 0.5), 0.25);
    assert_eq!(moved("reverb down 10%", "reverb", 0.5), 0.4);
    assert_eq!(moved("reverb 30%", "reverb", 0.5), 0.3);
    assert_eq!(moved("no reverb", "reverb", 0.5), 0.0);
    assert_eq!(moved("add some reverb", "reverb", 0.0), 0.3);
    assert_eq!(moved("a touch of reverb", "reverb", 0.0), 0.2);
    assert_eq!(moved("reverb all the way up", "reverb", 0.0), 1.0);
    assert_eq!(moved("dial the reverb back a bit", "reverb", 0.5), 0.35);
    assert_eq!(moved("pull the reverb back", "reverb", 0.5), 0.3);
}

/// A complaint of too little asks for more; "go easy on" eases. Found by a grid of 80 ways
/// up and down on ten controls (misses 49 -> 4).
#[test]
fn too_little_raises_and_going_easy_lowers() {
    assert!(moved("the reverb is too low", "reverb", 0.5) > 0.5);
    assert!(moved("whisper too weak", "whisper", 0.5) > 0.5);
    assert!(moved("the breath is too quiet", "breath", 0.5) > 0.5);
    assert!(moved("the reverb is too high", "reverb", 0.5) < 0.5);
    assert!(moved("go easy on the reverb", "reverb", 0.5) < 0.5);
}

/// Back to where it started: the parameter's default, from its spec.
#[test]
fn back_to_the_default() {
    let default = |text: &str, trigger: &str, id: &str| {
        let words = Words::new(text);
        let at = words.find_any(&[trigger]).expect("trigger");
        default_move(&words, at, id)
    };
    assert_eq!(
        default("reset the compression", "compression", "mod_compression"),
        Some(Move::Set(0.0))
    );
    assert_eq!(
        default("warmth back to flat", "warmth", "mod_warmth"),
        Some(Move::Set(0.5))
    );
    assert_eq!(
        default("a jazz comp in B-flat", "compression", "mod_compression"),
        None
    );
}

#[test]
fn a_too_that_ends_the_clause_means_also() {
    assert!(moved("breathier vocal too", "breathier", 0.2) > 0.2);
    assert!(moved("breathier vocal too thanks", "breathier", 0.2) > 0.2);
    assert!(moved("too breathy", "breathy", 0.4) < 0.4);
}

#[test]
fn a_small_way_down_is_a_small_step() {
    // Not a level of "a touch", not off.
    assert_eq!(moved("ease the reverb off a touch", "reverb", 0.45), 0.3);
    assert_eq!(moved("tiny bit shorter reverb tail", "reverb", 0.45), 0.3);
    assert_eq!(moved("not quite so breathy", "breathy", 0.5), 0.3);
    assert!(moved("reduce some of the reverb off", "reverb", 0.45) > 0.0);
    assert_eq!(moved("take the reverb off", "reverb", 0.45), 0.0);
}

#[test]
fn multiples_of_where_it_is() {
    assert_eq!(
        moved("compress it 2x harder than it is", "compress", 0.2),
        0.4
    );
    assert_eq!(
        moved("make the compression two times more", "compression", 0.2),
        0.4
    );
    assert_eq!(
        moved("reverb to half of what it is now", "reverb", 0.5),
        0.25
    );
    assert_eq!(moved("reverb 50% less than it is", "reverb", 0.5), 0.25);
    assert_eq!(moved("30% more reverb than now", "reverb", 0.5), 0.65);
    // Points, not a share, without "than now".
    assert_eq!(moved("reverb down 10%", "reverb", 0.5), 0.4);
}

#[test]
fn levels_step_in_decibels() {
    let words = Words::new("backing a bit lower");
    let m = read_move(&words, 0).expect("move");
    assert_eq!(apply_db(m, -12.0), -14.0);
    assert_eq!(
        polarity(&Words::new("take the reverb off, less")),
        Some(Polarity::Down)
    );
}
