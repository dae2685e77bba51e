//! The scored tool choice for one clause: every rule that sees evidence for a topic adds it
//! with a weight (how sure that kind of evidence is), the trained scorer votes among the
//! topics the rules found, and the best total wins. Nothing decides by being first: a clause
//! with a tuning word and a voice word is scored for both, and the stronger evidence wins.
//! `explain` prints the evidence, for the corpus' debug output.

use super::classify::Topic;

/// One piece of evidence for a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The topic it speaks for.
    pub topic: Topic,
    /// How much it counts.
    pub weight: f32,
    /// What was seen, for the explanation.
    pub why: &'static str,
}

/// The evidence gathered for one clause.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Every piece, in the order the rules saw them.
    pub evidence: Vec<Evidence>,
}

/// How much each further piece of evidence for the same topic adds, as a share of its
/// weight: agreeing evidence counts, but two weak hints never outweigh one certain word
/// ("pitch up a fifth" is a voice request twice over, not a stronger one than "tune").
const AGREEMENT: f32 = 0.2;

/// How much the trained scorer's vote counts at most (its probability times this): enough to
/// choose between weak rules (a bare key against a description), never against a named
/// control word.
pub const VOTE: f32 = 1.0;

/// The reason given for the trained scorer's vote.
pub const SCORER: &str = "scorer";

impl Scores {
    /// Adds evidence for `topic`.
    pub fn add(&mut self, topic: Topic, weight: f32, why: &'static str) {
        self.evidence.push(Evidence { topic, weight, why });
    }

    /// Whether any rule found evidence for `topic`.
    pub fn has(&self, topic: Topic) -> bool {
        self.evidence
            .iter()
            .any(|e| e.topic == topic && e.why != SCORER)
    }

    /// The total of `topic`: its strongest rule evidence, plus a share of the rest, plus the
    /// scorer's vote in full.
    pub fn total(&self, topic: Topic) -> f32 {
        let mut best = 0.0f32;
        let mut sum = 0.0f32;
        let mut vote = 0.0f32;
        for e in self.evidence.iter().filter(|e| e.topic == topic) {
            if e.why == SCORER {
                vote += e.weight;
                continue;
            }
            best = best.max(e.weight);
            sum += e.weight;
        }
        best + AGREEMENT * (sum - best) + vote
    }

    /// The topic with the highest total; on a tie, the one whose evidence came first (the
    /// rules list the surer kinds first).
    pub fn best(&self) -> Option<Topic> {
        let mut best: Option<(Topic, f32)> = None;
        for e in &self.evidence {
            let t = self.total(e.topic);
            if best.is_none_or(|(_, b)| t > b + 1e-6) {
                best = Some((e.topic, t));
            }
        }
        best.map(|(t, _)| t)
    }

    /// The evidence and totals, one line: "Tune 10.0 (tuning word) | Voice 5.0 (voice word)".
    pub fn explain(&self) -> String {
        let mut topics: Vec<Topic> = Vec::new();
        for e in &self.evidence {
            if !topics.contains(&e.topic) {
                topics.push(e.topic);
            }
        }
        topics.sort_by(|a, b| self.total(*b).total_cmp(&self.total(*a)));
        let parts: Vec<String> = topics
            .iter()
            .map(|t| {
                let whys: Vec<String> = self
                    .evidence
                    .iter()
                    .filter(|e| e.topic == *t)
                    .map(|e| format!("{} {:.1}", e.why, e.weight))
                    .collect();
                format!("{t:?} {:.2} ({})", self.total(*t), whys.join(", "))
            })
            .collect();
        if parts.is_empty() {
            "no evidence".into()
        } else {
            parts.join(" | ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strongest_evidence_wins_and_agreement_counts() {
        let mut s = Scores::default();
        assert_eq!(s.best(), None);
        s.add(Topic::Voice, 5.0, "voice word");
        s.add(Topic::Tune, 10.0, "tuning word");
        s.add(Topic::Voice, 5.0, "interval");
        assert_eq!(s.best(), Some(Topic::Tune));
        assert!((s.total(Topic::Voice) - 6.0).abs() < 1e-6);
        // Two weak hints that agree beat one weak hint alone.
        let mut s = Scores::default();
        s.add(Topic::Output, 3.0, "level word");
        s.add(Topic::Voice, 2.5, "description");
        s.add(Topic::Voice, 2.5, "character");
        s.add(Topic::Voice, 1.0, SCORER);
        assert_eq!(s.best(), Some(Topic::Voice));
        assert!(s.explain().starts_with("Voice"));
    }

    #[test]
    fn ties_go_to_the_evidence_seen_first() {
        let mut s = Scores::default();
        s.add(Topic::Backing, 2.5, "key");
        s.add(Topic::Tune, 2.5, "key");
        assert_eq!(s.best(), Some(Topic::Backing));
        assert!(s.has(Topic::Tune));
    }
}
