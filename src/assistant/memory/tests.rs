//! The memory's file handling: bad files moved aside (never overwritten), atomic writes, the
//! per-persona lock and merge, and failed turns kept from the model.

use super::*;
use crate::assistant::tools::ToolName;

fn temp_home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daiw-memory-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The files in the history folder, by name, sorted.
fn files(home: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(Memory::dir(home))
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn aside_files(home: &Path) -> Vec<PathBuf> {
    files(home)
        .into_iter()
        .filter(|n| n.contains(".corrupt-"))
        .map(|n| Memory::dir(home).join(n))
        .collect()
}

/// A history folder holding `default.json` with `bytes`.
fn home_with_file(tag: &str, bytes: &[u8]) -> PathBuf {
    let home = temp_home(tag);
    std::fs::create_dir_all(Memory::dir(&home)).expect("dir");
    std::fs::write(Memory::dir(&home).join("default.json"), bytes).expect("write");
    home
}

fn turn(m: &mut Memory, user: &str, reply: &str) {
    m.push(Role::User, user, vec![]);
    m.push(Role::Assistant, reply, vec![]);
}

#[test]
fn saves_and_reloads() {
    let home = temp_home("roundtrip");
    let mut m = Memory::open(&home, "default");
    assert!(m.notice.is_none());
    m.push(Role::User, "tune me to A minor", vec![]);
    m.push(
        Role::Assistant,
        "Tuned.",
        vec![ToolCall::new(
            ToolName::VoiceTune,
            serde_json::json!({"key": "A"}),
        )],
    );
    m.history.names.push("Golden Hour".into());
    assert_eq!(m.save().expect("save"), None);
    let again = Memory::open(&home, "default");
    assert_eq!(again.history.messages.len(), 2);
    assert_eq!(again.history.names, vec!["Golden Hour".to_string()]);
    let recent = again.recent_for_model(2);
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].role, Role::User);
    assert!(recent[1].content.contains("voice_tune"));
    // Only the history and its lock remain: no temporary file is left behind.
    assert_eq!(files(&home), ["default.json", "default.lock"]);
}

#[test]
fn invalid_files_are_moved_aside_with_their_content() {
    let cases: [(&str, &[u8]); 4] = [
        ("json", b"{ not json"),
        ("utf8", b"{\"messages\": [], \"names\": [\"\xff\"]}"),
        ("shape", b"{\"messages\": 5}"),
        ("array", b"[1, 2, 3]"),
    ];
    for (tag, bytes) in cases {
        let home = home_with_file(&format!("bad-{tag}"), bytes);
        let mut m = Memory::open(&home, "default");
        let notice = m.notice.clone().expect("notice");
        assert!(notice.contains("moved to"), "{tag}: {notice}");
        assert!(m.history.messages.is_empty());
        let aside = aside_files(&home);
        assert_eq!(aside.len(), 1, "{tag}");
        assert!(notice.contains(&aside[0].display().to_string()), "{notice}");
        let kept = std::fs::read(&aside[0]).expect("read");
        assert_eq!(kept, bytes, "{tag}: the content is kept as it was");
        // The new conversation is saved beside it; the bad file stays untouched.
        turn(&mut m, "hi", "hello");
        m.save().expect("save fresh");
        assert_eq!(Memory::open(&home, "default").history.messages.len(), 2);
        assert_eq!(std::fs::read(&aside[0]).expect("read"), bytes);
    }
}

#[test]
fn two_bad_files_in_one_second_get_two_names() {
    let home = home_with_file("twice", b"first bad");
    let first = Memory::open(&home, "default");
    assert!(first.notice.is_some());
    std::fs::write(Memory::dir(&home).join("default.json"), b"second bad").expect("write");
    let second = Memory::open(&home, "default");
    assert!(second.notice.is_some());
    let mut kept: Vec<Vec<u8>> = aside_files(&home)
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    kept.sort();
    assert_eq!(kept, [b"first bad".to_vec(), b"second bad".to_vec()]);
}

#[test]
fn a_file_that_cannot_be_moved_is_never_overwritten() {
    // A folder in the history's place: it cannot be read, nor renamed onto a file name.
    let home = temp_home("unmovable");
    let blocked = Memory::dir(&home).join("default.json");
    std::fs::create_dir_all(&blocked).expect("dir");
    std::fs::write(blocked.join("keep.txt"), b"mine").expect("write");
    let mut m = Memory::open(&home, "default");
    let notice = m.notice.clone().expect("notice");
    assert!(notice.contains("not saved"), "{notice}");
    assert!(m.path().as_os_str().is_empty());
    turn(&mut m, "hi", "hello");
    assert_eq!(m.save().expect("nothing to save"), None);
    assert_eq!(
        std::fs::read(blocked.join("keep.txt")).expect("kept"),
        b"mine"
    );
    assert!(aside_files(&home).is_empty());
}

#[test]
fn a_file_spoilt_while_open_is_moved_aside_at_save() {
    let home = temp_home("spoilt");
    let mut m = Memory::open(&home, "default");
    turn(&mut m, "one", "1");
    m.save().expect("save");
    std::fs::write(m.path(), b"\x00\x01 damaged").expect("damage");
    turn(&mut m, "two", "2");
    let notice = m.save().expect("save").expect("a notice");
    assert!(notice.contains("moved to"), "{notice}");
    assert_eq!(aside_files(&home).len(), 1);
    // The damage is kept aside; this process's whole conversation is written anew.
    let again = Memory::open(&home, "default");
    assert_eq!(again.history.messages.len(), 4);
    assert_eq!(again.history.messages[0].content, "one");
}

#[test]
fn two_writers_on_one_persona_keep_each_others_turns() {
    let home = temp_home("merge");
    let mut a = Memory::open(&home, "default");
    let mut b = Memory::open(&home, "default");
    turn(&mut a, "a1", "A1");
    a.save().expect("a saves");
    turn(&mut b, "b1", "B1");
    b.history.names.push("From B".into());
    b.save().expect("b saves");
    turn(&mut a, "a2", "A2");
    a.history.presets.push("hard_tune".into());
    a.save().expect("a saves again");
    let all = Memory::open(&home, "default");
    let users: Vec<&str> = all
        .history
        .messages
        .iter()
        .filter(|m| m.role == Role::User)
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(users, ["a1", "b1", "a2"]);
    assert_eq!(all.history.names, ["From B"]);
    assert_eq!(all.history.presets, ["hard_tune"]);
    // A writer sees the others' turns after it saves.
    assert_eq!(a.history.messages.len(), 6);
}

#[test]
fn a_save_waits_for_the_lock() {
    let home = temp_home("lock");
    let mut m = Memory::open(&home, "default");
    turn(&mut m, "hi", "hello");
    std::fs::create_dir_all(Memory::dir(&home)).expect("dir");
    let held = PersonaLock::take(&m.lock_path()).expect("lock");
    let saver = std::thread::spawn(move || {
        m.save().expect("save");
        m
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !Memory::dir(&home).join("default.json").exists(),
        "the save waits while another holds the lock"
    );
    drop(held);
    let m = saver.join().expect("saver");
    assert_eq!(Memory::open(&home, "default").history.messages.len(), 2);
    assert_eq!(m.history.messages.len(), 2);
}

#[test]
fn failed_turns_are_never_shown_to_the_model() {
    let home = temp_home("failed");
    let mut m = Memory::open(&home, "default");
    turn(&mut m, "hi", "hello");
    m.push_failed(
        "tell me more",
        "the conversation is too long for the model's context",
    );
    m.save().expect("save");
    let again = Memory::open(&home, "default");
    assert_eq!(again.history.messages.len(), 4, "the failure is on record");
    assert!(again.history.messages[3].failed);
    let recent = again.recent_for_model(2);
    assert_eq!(recent.len(), 2, "{recent:?}");
    assert_eq!(recent[0].content, "hi");
    assert!(recent.iter().all(|m| !m.content.contains("too long")));
}

#[test]
fn detached_memory_touches_no_file() {
    let home = temp_home("detached");
    let mut m = Memory::detached();
    turn(&mut m, "hi", "hello");
    assert_eq!(m.save().expect("nothing"), None);
    assert!(!home.exists());
}
