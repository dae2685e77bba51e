//! The GBNF grammar the embedded model decodes under, generated from the tool registry: the
//! model can only write one compact tool call with in-range arguments, or a short reply.
//!
//! Output forms (no whitespace, arguments in registry order):
//! `{"tool":"voice_tune","args":{"key":"A","scale":"minor"}}` or `{"reply":"text"}`.

use super::tools::{ArgKind, ToolSpec, TOOLS};
use crate::music::theory::{PitchClass, ScaleKind};

/// The name of the start rule.
pub const ROOT: &str = "root";

/// A GBNF string literal for `text` (quotes and backslashes escaped).
fn lit(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON string literal as GBNF: `"name"` with its quotes.
fn json_str_lit(text: &str) -> String {
    lit(&format!("\"{text}\""))
}

/// GBNF sequences matching exactly the decimal numbers with the digits of `lo..=hi` where both
/// have the same number of digits (leading zeros kept, for use after a fixed prefix).
fn fixed_width(lo: &[u8], hi: &[u8]) -> Vec<String> {
    debug_assert_eq!(lo.len(), hi.len());
    if lo.is_empty() {
        return vec![String::new()];
    }
    let (a, b) = (lo[0], hi[0]);
    let rest = lo.len() - 1;
    let any = |n: usize| vec!["[0-9]"; n].join(" ");
    let class = |x: u8, y: u8| {
        if x == y {
            lit(&(x as char).to_string())
        } else {
            format!("[{}-{}]", x as char, y as char)
        }
    };
    let join = |head: String, tail: String| {
        if tail.is_empty() {
            head
        } else {
            format!("{head} {tail}")
        }
    };
    if a == b {
        return fixed_width(&lo[1..], &hi[1..])
            .into_iter()
            .map(|t| join(lit(&(a as char).to_string()), t))
            .collect();
    }
    let nines = vec![b'9'; rest];
    let zeros = vec![b'0'; rest];
    let mut out: Vec<String> = Vec::new();
    // When the tails span their whole width the first and last digits join the middle class.
    let low_full = lo[1..] == zeros[..];
    let high_full = hi[1..] == nines[..];
    let first_mid = if low_full { a } else { a + 1 };
    let last_mid = if high_full { b } else { b - 1 };
    if !low_full {
        for t in fixed_width(&lo[1..], &nines) {
            out.push(join(lit(&(a as char).to_string()), t));
        }
    }
    if first_mid <= last_mid {
        out.push(join(class(first_mid, last_mid), any(rest)));
    }
    if !high_full {
        for t in fixed_width(&zeros, &hi[1..]) {
            out.push(join(lit(&(b as char).to_string()), t));
        }
    }
    out
}

/// GBNF alternatives matching the decimal integers `lo..=hi` (both non-negative), no leading
/// zeros.
pub fn int_range(lo: u64, hi: u64) -> Vec<String> {
    let mut out = Vec::new();
    if lo > hi {
        return out;
    }
    let mut digits = lo.to_string().len();
    loop {
        let width_lo = if digits == 1 {
            0
        } else {
            10u64.pow(digits as u32 - 1)
        };
        let width_hi = 10u64.pow(digits as u32) - 1;
        let a = lo.max(width_lo);
        let b = hi.min(width_hi);
        if a <= b {
            let sa = format!("{a:0width$}", width = digits);
            let sb = format!("{b:0width$}", width = digits);
            out.extend(fixed_width(sa.as_bytes(), sb.as_bytes()));
        }
        if hi <= width_hi {
            break;
        }
        digits += 1;
    }
    out
}

/// Decimal places a number may have (the router writes at most two).
const FRACTION: &str = "(\".\" [0-9] [0-9]? [0-9]?)?";

/// Numbers with magnitude below `max` (any fraction) or exactly `max` (".0" allowed).
fn magnitude(max: u64) -> String {
    let mut alts: Vec<String> = int_range(0, max.saturating_sub(1))
        .into_iter()
        .map(|a| format!("({a}) {FRACTION}"))
        .collect();
    alts.push(format!("{} (\".\" \"0\"+)?", lit(&max.to_string())));
    alts.join(" | ")
}

fn value_rule(kind: ArgKind) -> String {
    match kind {
        ArgKind::Enum(names) => names
            .iter()
            .map(|n| json_str_lit(n))
            .collect::<Vec<_>>()
            .join(" | "),
        ArgKind::Key => PitchClass::NAMES
            .iter()
            .map(|n| json_str_lit(n))
            .collect::<Vec<_>>()
            .join(" | "),
        ArgKind::Scale => ScaleKind::IDS
            .iter()
            .map(|n| json_str_lit(n))
            .collect::<Vec<_>>()
            .join(" | "),
        ArgKind::Integer { min, max } => {
            let lo = min.max(0) as u64;
            let mut alts = int_range(lo, max.max(0) as u64);
            if min < 0 {
                alts.extend(
                    int_range(1, min.unsigned_abs())
                        .into_iter()
                        .map(|a| format!("\"-\" {a}")),
                );
            }
            alts.join(" | ")
        }
        ArgKind::Number { min, max } => {
            let pos = format!("({})", magnitude(max.max(0.0) as u64));
            if min < 0.0 {
                format!("{pos} | \"-\" ({})", magnitude(min.abs().ceil() as u64))
            } else {
                pos
            }
        }
        ArgKind::Fraction => "fraction".into(),
        ArgKind::BoolOrFraction => "boolean | fraction".into(),
        ArgKind::Bool => "boolean".into(),
        ArgKind::Text { .. } | ArgKind::Notes => "text".into(),
    }
}

fn rule_name(tool: &ToolSpec, suffix: &str) -> String {
    format!("{}-{suffix}", tool.name.as_str().replace('_', "-"))
}

/// The rules of one tool: its call and its arguments object.
fn tool_rules(tool: &ToolSpec, rules: &mut Vec<String>) -> String {
    let call = rule_name(tool, "call");
    let head = lit(&format!("{{\"tool\":\"{}\",\"args\":", tool.name.as_str()));
    let n = tool.args.len();
    if n == 0 {
        rules.push(format!("{call} ::= {head} \"{{}}\" \"}}\""));
        return call;
    }
    for (i, arg) in tool.args.iter().enumerate() {
        let kv = rule_name(tool, &format!("kv{i}"));
        rules.push(format!(
            "{kv} ::= {} ({})",
            lit(&format!("\"{}\":", arg.name)),
            value_rule(arg.kind)
        ));
        // rest-i: the arguments from i on, each after a comma; required ones cannot be skipped.
        let rest = rule_name(tool, &format!("rest{i}"));
        let next = if i + 1 < n {
            format!(" {}", rule_name(tool, &format!("rest{}", i + 1)))
        } else {
            String::new()
        };
        let item = format!("\",\" {kv}");
        let body = if arg.required {
            format!("{item}{next}")
        } else {
            format!("({item})?{next}")
        };
        rules.push(format!("{rest} ::= {body}"));
        // first-i: the first argument written is i or a later one.
        let first = rule_name(tool, &format!("first{i}"));
        let mut body = format!("{kv}{next}");
        if i + 1 < n && !arg.required {
            body.push_str(&format!(
                " | {}",
                rule_name(tool, &format!("first{}", i + 1))
            ));
        }
        rules.push(format!("{first} ::= {body}"));
    }
    let first = rule_name(tool, "first0");
    let args = if tool.needs_an_argument {
        format!("\"{{\" {first} \"}}\"")
    } else {
        format!("\"{{\" ({first})? \"}}\"")
    };
    rules.push(format!("{call} ::= {head} {args} \"}}\""));
    call
}

/// The whole grammar: every tool's call, or a reply.
pub fn tool_grammar() -> String {
    let mut rules = Vec::new();
    let calls: Vec<String> = TOOLS.iter().map(|t| tool_rules(t, &mut rules)).collect();
    let mut out = format!("{ROOT} ::= call | reply\n");
    out.push_str(&format!("call ::= {}\n", calls.join(" | ")));
    out.push_str(&format!("reply ::= {} text \"}}\"\n", lit("{\"reply\":")));
    for rule in rules {
        out.push_str(&rule);
        out.push('\n');
    }
    out.push_str("boolean ::= \"true\" | \"false\"\n");
    out.push_str(&format!(
        "fraction ::= \"0\" {FRACTION} | \"1\" (\".\" \"0\"+)?\n"
    ));
    // Printable characters without quotes, backslashes or line breaks: enough for speech
    // text, titles and replies, and nothing that needs escaping.
    out.push_str("text ::= \"\\\"\" char+ \"\\\"\"\n");
    out.push_str("char ::= [^\"\\\\\\x00-\\x1F\\x7F]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny matcher for the digit patterns `int_range` emits, to check them exhaustively.
    fn matches(pattern: &str, text: &str) -> bool {
        let mut chars = text.chars();
        for part in pattern.split(' ') {
            let Some(c) = chars.next() else { return false };
            let ok = if let Some(inner) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
                let b = inner.as_bytes();
                (b[0] as char..=b[2] as char).contains(&c)
            } else {
                part.trim_matches('"').starts_with(c) && part.trim_matches('"').len() == 1
            };
            if !ok {
                return false;
            }
        }
        chars.next().is_none()
    }

    #[test]
    fn int_ranges_match_exactly() {
        for (lo, hi) in [
            (0, 9),
            (1, 20),
            (1, 64),
            (40, 240),
            (0, 399),
            (7, 7),
            (95, 105),
        ] {
            let alts = int_range(lo, hi);
            for n in 0..=1000u64 {
                let hit = alts.iter().any(|a| matches(a, &n.to_string()));
                assert_eq!(hit, (lo..=hi).contains(&n), "{lo}..{hi} on {n}: {alts:?}");
            }
        }
    }

    #[test]
    fn grammar_has_every_tool_and_balanced_rules() {
        let g = tool_grammar();
        for t in TOOLS.iter() {
            assert!(
                g.contains(&format!("\\\"tool\\\":\\\"{}\\\"", t.name)),
                "{}",
                t.name
            );
        }
        for line in g.lines() {
            assert!(line.contains(" ::= "), "{line}");
            let opens = line.matches('(').count();
            let closes = line.matches(')').count();
            assert_eq!(opens, closes, "{line}");
        }
        // Every rule used is defined.
        let defined: Vec<&str> = g.lines().filter_map(|l| l.split(" ::= ").next()).collect();
        for line in g.lines() {
            let body = line.split(" ::= ").nth(1).unwrap_or("");
            let mut in_str = false;
            let mut in_class = false;
            let mut prev = ' ';
            let mut word = String::new();
            for c in body.chars().chain(std::iter::once(' ')) {
                if in_class {
                    if c == ']' && prev != '\\' {
                        in_class = false;
                    }
                } else if c == '"' && prev != '\\' {
                    in_str = !in_str;
                } else if !in_str && c == '[' {
                    in_class = true;
                } else if !in_str && (c.is_ascii_alphanumeric() || c == '-') {
                    word.push(c);
                } else if !word.is_empty() {
                    if word.chars().next().is_some_and(|f| f.is_ascii_lowercase()) {
                        assert!(
                            defined.contains(&word.as_str()),
                            "undefined {word} in {line}"
                        );
                    }
                    word.clear();
                }
                prev = c;
            }
        }
    }
}
