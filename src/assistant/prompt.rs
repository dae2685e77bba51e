//! The system prompt: persona, answer format, tool list and a few examples. It never changes
//! within a conversation, so the embedded backend keeps its KV cache between turns.

use super::llm::{ChatMessage, Role};
use super::tools::prompt_tool_list;

/// Worked examples in the exact answer format (small models follow examples more than rules).
const EXAMPLES: &str = r#"User: my voice sounds thin, give it more body
{"tool":"voice_modulate","args":{"warmth":0.75}}
User: can you make the tuning less obvious
{"tool":"voice_tune","args":{"preset":"natural"}}
User: I want to sound like a robot from a sci-fi film
{"tool":"voice_modulate","args":{"preset":"robot"}}
User: put me in a big cathedral
{"tool":"voice_modulate","args":{"reverb":0.8}}
User: make a chill beat to sing over
{"tool":"backing_generate","args":{"style":"lofi"}}
User: I need a name for my sad song
{"tool":"name_suggest","args":{"mood":"sad"}}
User: read this to me: the night is young
{"tool":"voice_speak","args":{"text":"the night is young"}}
User: hello!
{"reply":"Hi! Tell me how you want your voice to sound, or ask for a backing track."}
User: what does formant mean?
{"reply":"Formants are the resonances of your vocal tract; shifting them changes the size the voice seems to come from."}"#;

/// The built-in persona (assets/chatbot_prompt.txt).
pub const DEFAULT_PERSONA: &str = super::config::DEFAULT_PERSONA_PROMPT;

/// Builds the system prompt from the persona text.
pub fn system_prompt(persona: &str) -> String {
    format!(
        "{persona}\n\nAnswer with one JSON object and nothing else: {{\"tool\":NAME,\"args\":{{...}}}} \
         to change a setting, or {{\"reply\":\"...\"}} to talk (greetings, questions, thanks). \
         Fractions are 0 to 1; keys are C C# D D# E F F# G G# A A# B.\nTools:\n{}",
        prompt_tool_list()
    )
}

/// The examples as earlier turns of the conversation: small models copy the format of real
/// turns far more reliably than of examples inside the system text. They never change, so they
/// stay in the KV cache with the system prompt.
pub fn example_messages() -> Vec<ChatMessage> {
    let mut out = Vec::new();
    let mut lines = EXAMPLES.lines();
    while let (Some(user), Some(answer)) = (lines.next(), lines.next()) {
        out.push(ChatMessage::new(
            Role::User,
            user.trim_start_matches("User: ").to_string(),
        ));
        out.push(ChatMessage::new(Role::Assistant, answer.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::llm::{parse_output, LlmOutput};
    use crate::assistant::tools::validate;

    #[test]
    fn examples_are_valid_answers() {
        for line in EXAMPLES.lines().filter(|l| l.starts_with('{')) {
            match parse_output(line).expect(line) {
                LlmOutput::Call(call) => {
                    validate(&call).expect(line);
                }
                LlmOutput::Reply(text) => assert!(!text.is_empty()),
            }
        }
        let prompt = system_prompt("You are DAiW.");
        assert!(prompt.starts_with("You are DAiW."));
        assert!(prompt.contains("- voice_tune ("));
        let examples = example_messages();
        assert_eq!(
            examples.len(),
            2 * EXAMPLES.lines().filter(|l| l.starts_with('{')).count()
        );
        assert_eq!(examples[0].role, Role::User);
    }
}
