//! `daiw chatbot` and `daiw plan` as a user runs them: piped input, before -> after lines,
//! speech through espeak-ng and the voice chain, and the clear errors for bad files.
//! Every run uses a temporary DAIW_HOME, never the real ~/.daiw.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn temp_home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daiw-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp home");
    dir
}

fn daiw(home: &PathBuf, args: &[&str], stdin: &str, envs: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_daiw"))
        .args(args)
        .env("DAIW_HOME", home)
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("daiw starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("daiw finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn plan_prints_calls_as_json_and_applies_nothing() {
    let home = temp_home("plan");
    let out = daiw(
        &home,
        &[
            "plan",
            "Tune me to Bb minor, hard like T-Pain",
            "--backend",
            "none",
        ],
        "",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("JSON");
    assert_eq!(plan["calls"][0]["tool"], "voice_tune");
    assert_eq!(plan["calls"][0]["args"]["key"], "A#");
    assert_eq!(plan["calls"][0]["args"]["preset"], "hard_tune");
    assert!(plan["reply"].is_string());
    // Nothing applied, nothing remembered.
    assert!(!home.join("chat_history").exists());

    let out = daiw(
        &home,
        &["plan", "hello there", "--backend", "none"],
        "",
        &[],
    );
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("JSON");
    assert_eq!(plan["calls"], serde_json::json!([]));
    assert!(plan["reply"]
        .as_str()
        .unwrap_or("")
        .contains("no language model"));
}

#[test]
fn chatbot_from_a_pipe_shows_before_and_after_and_undoes() {
    let home = temp_home("chat");
    let out = daiw(
        &home,
        &["chatbot", "--backend", "none"],
        "tune me to A minor\nup an octave\nundo\n/state\n",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("[voice_tune]"), "{stdout}");
    assert!(stdout.contains("tune_key: C -> A"), "{stdout}");
    assert!(stdout.contains("tune_scale: major -> minor"), "{stdout}");
    assert!(stdout.contains("mod_pitch: 0 st -> 12 st"), "{stdout}");
    assert!(stdout.contains("Undid voice_modulate."), "{stdout}");
    assert!(stdout.contains("mod_pitch: 12 st -> 0 st"), "{stdout}");
    assert!(
        stdout.contains("\"tune_key\":\"A\""),
        "/state prints the settings: {stdout}"
    );
    let history = home.join("chat_history/default.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&history).expect("history saved"))
            .expect("history is JSON");
    assert_eq!(saved["messages"].as_array().map(Vec::len), Some(6));

    // The next session continues the conversation.
    let out = daiw(&home, &["chatbot", "--backend", "none"], "", &[]);
    assert!(text(&out.stderr).contains("continuing a conversation of 6 messages"));
}

#[test]
fn speech_goes_through_espeak_and_the_voice_chain() {
    let home = temp_home("speak");
    let out = daiw(
        &home,
        &["chatbot", "--backend", "none"],
        "robot at 50%\nsay \"hello from the studio\" confidently\n",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("speech (guide_confident) saved to"),
        "{stdout}"
    );
    assert!(stdout.contains("through the voice chain:"), "{stdout}");
    let exports: Vec<PathBuf> = std::fs::read_dir(home.join("exports"))
        .expect("exports")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    for wav in exports {
        let reader = hound::WavReader::open(&wav).expect("a WAV file");
        let spec = reader.spec();
        let seconds = reader.duration() as f32 / spec.sample_rate as f32;
        assert!(seconds > 0.5, "{} is {seconds} s", wav.display());
        if wav.to_string_lossy().ends_with("-voiced.wav") {
            let samples: Vec<f32> = hound::WavReader::open(&wav)
                .expect("open")
                .into_samples::<f32>()
                .map(|s| s.expect("sample"))
                .collect();
            assert!(samples.iter().all(|s| s.is_finite()));
            assert!(samples.iter().any(|s| s.abs() > 0.01), "speech is audible");
        }
    }
}

#[test]
fn missing_espeak_is_a_clear_message() {
    let home = temp_home("no-espeak");
    let out = daiw(
        &home,
        &["chatbot", "--backend", "none"],
        "say hello everyone\n",
        &[("DAIW_ESPEAK_NG", "/nonexistent/espeak-ng")],
    );
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("needs espeak-ng, which is not installed"),
        "{stdout}"
    );
}

#[test]
fn bad_config_and_corrupt_history_are_reported() {
    let home = temp_home("files");
    std::fs::write(
        home.join("config.yaml"),
        "backend: none\nllm:\n  temprature: 0.5\n",
    )
    .expect("write");
    let out = daiw(&home, &["plan", "undo"], "", &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("config.yaml:3"), "{stderr}");
    assert!(stderr.contains("temprature"), "{stderr}");

    std::fs::write(home.join("config.yaml"), "backend: none\n").expect("write");
    std::fs::create_dir_all(home.join("chat_history")).expect("dir");
    std::fs::write(home.join("chat_history/default.json"), "[[[ broken").expect("write");
    let out = daiw(&home, &["chatbot"], "undo\n", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("was corrupt"), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(home.join("chat_history"))
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("default.corrupt-")),
        "{names:?}"
    );
    assert!(
        names.contains(&"default.json".to_string()),
        "a fresh history is saved"
    );
}

#[test]
fn unknown_backend_and_persona_are_errors() {
    let home = temp_home("usage");
    let out = daiw(&home, &["plan", "hi", "--backend", "gpt"], "", &[]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown backend 'gpt'"));
    let out = daiw(
        &home,
        &["plan", "hi", "--backend", "none", "--persona", "pirate"],
        "",
        &[],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("persona 'pirate' not found"));
}

#[test]
fn music_tools_use_the_music_brain() {
    let home = temp_home("music");
    let out = daiw(
        &home,
        &["chatbot", "--backend", "none"],
        "give me a funk groove in E minor at 100 bpm, 4 bars\n\
         give me 3 title ideas for a song about grief\n\
         start a new song intent called Night Drive\n\
         process my intent\n",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("backing: E minor at 100 BPM, funk style, 4 bars"),
        "{stdout}"
    );
    assert!(stdout.contains("backing_enabled: off -> on"), "{stdout}");
    let midi = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("MIDI: "))
        .expect("a MIDI file line");
    let bytes = std::fs::read(midi).expect("MIDI written");
    assert_eq!(&bytes[..4], b"MThd");
    assert!(stdout.contains("Some titles: "), "{stdout}");
    assert!(
        stdout.contains("Started the song intent 'Night Drive'"),
        "{stdout}"
    );
    assert!(home.join("intents/night-drive.json").exists());
    // A fresh intent lacks the required fields: the music brain says which.
    assert!(stdout.contains("intent_process failed"), "{stdout}");
}

#[test]
fn plan_reads_and_writes_no_history() {
    let home = temp_home("plan-history");
    let dir = home.join("chat_history");
    std::fs::create_dir_all(&dir).expect("dir");
    // A history that a reader would move aside as corrupt: it must stay exactly as it is.
    std::fs::write(dir.join("default.json"), b"\xff not history").expect("write");
    let out = daiw(
        &home,
        &["plan", "tune me to A minor", "--backend", "none"],
        "",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("chat history"),
        "{}",
        text(&out.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names, ["default.json"]);
    assert_eq!(
        std::fs::read(dir.join("default.json")).expect("read"),
        b"\xff not history"
    );
}

/// A `daiw chatbot` whose turns the test paces: each `say` waits until the turn is done
/// (and saved), which `/state`'s one JSON line after it shows.
struct Chatbot {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Chatbot {
    fn start(home: &PathBuf) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_daiw"))
            .args(["chatbot", "--backend", "none"])
            .env("DAIW_HOME", home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("daiw starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        Self {
            child,
            stdin,
            stdout,
        }
    }

    fn say(&mut self, message: &str) {
        use std::io::BufRead;
        writeln!(self.stdin, "{message}\n/state").expect("send");
        self.stdin.flush().expect("flush");
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.stdout.read_line(&mut line).expect("read");
            assert!(n > 0, "the chatbot ended early");
            if line.starts_with('{') {
                return;
            }
        }
    }

    fn quit(mut self) {
        let _ = writeln!(self.stdin, "/quit");
        drop(self.stdin);
        let status = self.child.wait().expect("wait");
        assert!(status.success());
    }
}

#[test]
fn two_chatbots_on_one_persona_keep_each_others_turns() {
    let home = temp_home("two-chatbots");
    let mut first = Chatbot::start(&home);
    first.say("tune me to A minor");
    // The second opens the history holding the first's turn; each then saves on top of the
    // other's newer file.
    let mut second = Chatbot::start(&home);
    second.say("up an octave");
    first.say("robot at 50%");
    second.say("undo");
    first.quit();
    second.quit();
    let history = home.join("chat_history/default.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&history).expect("history saved"))
            .expect("history is JSON");
    let users: Vec<&str> = saved["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["role"] == "user")
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(
        users,
        ["tune me to A minor", "up an octave", "robot at 50%", "undo"]
    );
}
