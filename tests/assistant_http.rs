//! The HTTP backend against a real OpenAI-compatible server on 127.0.0.1: llama-cpp-python's
//! server (installed by scripts/setup_llm_server.sh into ~/.cache/daiw/llm-server-venv) serving the
//! default model. Streaming replies, a tool call applied through the agent, and a server that
//! never answers (timeout) all become chat results, never crashes. Fake servers on 127.0.0.1
//! misbehave on purpose (an absurd tool call index, endless answers and lines, a slow drip,
//! garbage): each is a clear error within bounded memory, never a panic.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use daiw::assistant::agent::{ChatAgent, Source};
use daiw::assistant::config::{AgentConfig, BackendKind, HttpParams};
use daiw::assistant::grammar::tool_grammar;
use daiw::assistant::http::{HttpBackend, MAX_ANSWER_BYTES};
use daiw::assistant::llm::{LlmBackend, LlmError, LlmOutput, LlmRequest};
use daiw::assistant::prompt::{example_messages, system_prompt};
use daiw::assistant::tools::validate;

/// The server process; killed when the test ends, pass or fail.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn start_server() -> Server {
    let venv = std::env::var_os("DAIW_LLM_SERVER_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/daiw/llm-server-venv")
        });
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup_llm_server.sh (or `cargo xtask test`)",
        python.display()
    );
    let model = support::model_path();
    let port = free_port();
    let child = Command::new(python)
        .args(["-m", "llama_cpp.server", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .arg("--model")
        .arg(&model)
        .args(["--n_ctx", "2048", "--n_threads", "2", "--verbose", "False"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = server.child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the server exited ({status}): {err}");
        }
        let ready = ureq::get(format!("{}/v1/models", server.url))
            .call()
            .map(|r| r.status().as_u16() == 200)
            .unwrap_or(false);
        if ready {
            eprintln!("server ready in {:.1} s", started.elapsed().as_secs_f64());
            return server;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server did not start in 120 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn config(home: &Path, url: &str) -> AgentConfig {
    let mut c = AgentConfig::from_yaml(
        daiw::assistant::config::DEFAULT_CONFIG_YAML,
        None,
        "none",
        home,
    )
    .expect("defaults");
    c.backend = BackendKind::Http;
    c.http.url = url.to_string();
    c.http.timeout_s = 60;
    c
}

fn temp_home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daiw-http-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp home");
    dir
}

#[test]
fn real_openai_compatible_server() {
    let server = start_server();
    let home = temp_home("real");
    let cfg = config(&home, &server.url);
    let system = system_prompt("You are DAiW.");
    let examples = example_messages();
    let cancel = AtomicBool::new(false);

    // A reply streams in several pieces.
    let mut backend = HttpBackend::new(&cfg.http, &cfg.llm);
    let mut pieces = Vec::new();
    let request = LlmRequest {
        system: &system,
        examples: &examples,
        history: &[],
        user: "hi there, who are you?",
    };
    let answer = backend
        .respond(&request, &mut |t| pieces.push(t.to_string()), &cancel)
        .expect("the server answers");
    match &answer.output {
        LlmOutput::Reply(text) => {
            assert!(!text.is_empty());
            assert!(pieces.len() > 1, "the reply streams: {pieces:?}");
            assert_eq!(pieces.concat(), *text);
        }
        LlmOutput::Call(call) => {
            validate(call).expect("a call from the server validates");
        }
    }

    // With a calls-only grammar the server must answer with a tool call, which the agent
    // validates and applies.
    let mut forced = HttpBackend::new(&cfg.http, &cfg.llm);
    forced.grammar_override =
        Some(tool_grammar().replacen("root ::= call | reply", "root ::= call", 1));
    let mut agent = ChatAgent::with_backend(cfg.clone(), Box::new(forced), None).expect("agent");
    let turn = agent.chat("please make my vocal sit better in the mix");
    assert_eq!(turn.source, Source::Model, "{turn:?}");
    assert!(turn.errors.is_empty() || turn.calls.is_empty(), "{turn:?}");
    assert_eq!(turn.calls.len(), 1, "{turn:?}");
    eprintln!(
        "server's call: {:?} -> {} effects",
        turn.calls[0].call,
        turn.calls[0].effects.len()
    );

    // The agent with the HTTP backend from configuration: router first, server for the rest.
    let mut agent = ChatAgent::new(cfg.clone()).expect("agent");
    let turn = agent.chat("tune me to D minor");
    assert_eq!(turn.source, Source::Router);
    let turn = agent.chat("thanks, you are great");
    assert_eq!(turn.source, Source::Model, "{turn:?}");
    assert!(!turn.reply.is_empty());
}

#[test]
fn silent_and_missing_servers_become_messages() {
    // A local socket that accepts and never answers: the request times out.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let holder = std::thread::spawn(move || {
        let conn = listener.accept();
        std::thread::sleep(Duration::from_secs(3));
        drop(conn);
    });
    let params = HttpParams {
        url: url.clone(),
        model: "x".into(),
        timeout_s: 1,
    };
    let home = temp_home("silent");
    let cfg = config(&home, &url);
    let mut backend = HttpBackend::new(&params, &cfg.llm);
    let request = LlmRequest {
        system: "s",
        examples: &[],
        history: &[],
        user: "hi",
    };
    let started = Instant::now();
    let err = backend
        .respond(&request, &mut |_| {}, &AtomicBool::new(false))
        .expect_err("times out");
    assert!(matches!(err, LlmError::Http { .. }), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout holds"
    );
    let _ = holder.join();

    let mut missing = config(&home, &format!("http://127.0.0.1:{}", free_port()));
    missing.http.timeout_s = 2;
    let mut agent = ChatAgent::new(missing).expect("agent");
    let turn = agent.chat("how are you today?");
    assert_eq!(turn.source, Source::None);
    assert!(turn.reply.contains("could not be used"), "{}", turn.reply);
}

/// The process's memory in bytes from `/proc/self/status` (`VmRSS` now, `VmHWM` its peak).
/// The allocator cannot be wrapped here (nice-plug installs its own), so resident memory
/// shows what reading an answer costs.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Starts a new peak of resident memory (writing 5 to `clear_refs` resets `VmHWM`); returns
/// the resident memory now, or None where the kernel does not allow it.
fn reset_peak_memory() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_bytes("VmRSS:")
}

/// How long a fake server waits for its one client, and its socket timeouts: it stops by
/// itself after this even if a test goes wrong.
const FAKE_SERVER_PATIENCE: Duration = Duration::from_secs(10);
/// The most a fake server sends of an "endless" answer: 16 times the client's limit.
const ENDLESS_BYTES: u64 = 64 << 20;

/// The fake server's side of the socket, counting what it managed to send.
struct Counted {
    stream: TcpStream,
    written: u64,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.stream.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// Reads one HTTP request (headers, then a Content-Length body) and drops it.
fn read_request(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 << 10 {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let length = String::from_utf8_lossy(&head)
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<u64>().ok())?
        })
        .unwrap_or(0);
    std::io::copy(&mut stream.take(length), &mut std::io::sink())?;
    Ok(())
}

/// A fake server on 127.0.0.1 for one request: it reads the request, then `respond` writes
/// whatever it likes. It stops by itself (no client within `FAKE_SERVER_PATIENCE`, or a write
/// that fails once the client hangs up). The handle gives the bytes it sent.
fn fake_server(
    respond: impl FnOnce(&mut Counted) -> std::io::Result<()> + Send + 'static,
) -> (String, JoinHandle<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    listener.set_nonblocking(true).expect("nonblocking");
    let handle = std::thread::spawn(move || {
        let started = Instant::now();
        let stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if started.elapsed() < FAKE_SERVER_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Err(_) => return 0,
            }
        };
        let setup = stream
            .set_nonblocking(false)
            .and_then(|()| stream.set_read_timeout(Some(FAKE_SERVER_PATIENCE)))
            .and_then(|()| stream.set_write_timeout(Some(FAKE_SERVER_PATIENCE)));
        let mut counted = Counted { stream, written: 0 };
        if setup.is_ok() && read_request(&mut counted.stream).is_ok() {
            // A failed write is how the client's hanging up shows: the server is done.
            let _ = respond(&mut counted);
        }
        counted.written
    });
    (url, handle)
}

/// The start of a streamed answer (its end is the connection closing).
const STREAM_HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

fn event(delta: &str) -> Vec<u8> {
    format!("data: {{\"choices\":[{{\"delta\":{delta}}}]}}\n\n").into_bytes()
}

fn backend_for(url: &str, timeout_s: u64) -> HttpBackend {
    // The home is only named in the configuration; nothing is read or written there.
    let mut cfg = config(Path::new("/nonexistent"), url);
    cfg.http.timeout_s = timeout_s;
    HttpBackend::new(&cfg.http, &cfg.llm)
}

/// Sends "hi" and returns the error, the text streamed to the chat (its length) and the time.
fn ask_expecting_error(backend: &mut HttpBackend) -> (LlmError, usize, Duration) {
    let request = LlmRequest {
        system: "s",
        examples: &[],
        history: &[],
        user: "hi",
    };
    let started = Instant::now();
    let mut shown = 0;
    let err = backend
        .respond(&request, &mut |t| shown += t.len(), &AtomicBool::new(false))
        .expect_err("a misbehaving server is an error");
    assert!(matches!(err, LlmError::Http { .. }), "{err}");
    (err, shown, started.elapsed())
}

#[test]
fn a_huge_tool_call_index_is_an_error() {
    let (url, server) = fake_server(|out| {
        out.write_all(STREAM_HEAD)?;
        out.write_all(&event(
            r#"{"tool_calls":[{"index":1099511627776,"function":{"name":"undo","arguments":"{}"}}]}"#,
        ))?;
        out.write_all(b"data: [DONE]\n\n")
    });
    let (err, _, _) = ask_expecting_error(&mut backend_for(&url, 10));
    let text = err.to_string();
    assert!(text.contains("1099511627776"), "{text}");
    assert!(text.contains("at most 8"), "{text}");
    let _ = server.join();
}

#[test]
fn an_endless_stream_stops_at_the_answer_limit() {
    let (url, server) = fake_server(|out| {
        out.write_all(STREAM_HEAD)?;
        let piece = event(&format!(r#"{{"content":"{}"}}"#, "a".repeat(1000)));
        while out.written < ENDLESS_BYTES {
            out.write_all(&piece)?;
        }
        Ok(())
    });
    let before = reset_peak_memory();
    let (err, shown, _) = ask_expecting_error(&mut backend_for(&url, 30));
    let grew = before
        .zip(status_bytes("VmHWM:"))
        .map(|(before, peak)| peak.saturating_sub(before));
    assert!(err.to_string().contains("larger than 4 MiB"), "{err}");
    assert!(shown as u64 <= MAX_ANSWER_BYTES, "{shown} bytes shown");
    let sent = server.join().expect("server");
    eprintln!(
        "endless stream: server sent {:.1} MiB, peak resident memory grew {grew:?} bytes",
        sent as f64 / 1048576.0,
    );
    assert!(
        sent < ENDLESS_BYTES,
        "the client stopped reading at its limit"
    );
    // Kept: the 4 MiB answer and the text shown; before the limits, 64 MiB took 206 MB.
    if let Some(grew) = grew {
        assert!(grew < 32 << 20, "memory stays bounded: grew {grew} bytes");
    }
}

#[test]
fn an_endless_line_stops_at_the_line_limit() {
    let (url, server) = fake_server(|out| {
        out.write_all(STREAM_HEAD)?;
        out.write_all(b"data: {\"choices\":[{\"delta\":{\"content\":\"")?;
        let piece = [b'a'; 8192];
        while out.written < ENDLESS_BYTES {
            out.write_all(&piece)?;
        }
        Ok(())
    });
    let (err, _, _) = ask_expecting_error(&mut backend_for(&url, 30));
    assert!(err.to_string().contains("longer than 1 MiB"), "{err}");
    let sent = server.join().expect("server");
    assert!(
        sent < ENDLESS_BYTES,
        "the client stopped reading at its limit"
    );
}

#[test]
fn a_slow_drip_hits_the_timeout() {
    let (url, server) = fake_server(|out| {
        out.write_all(STREAM_HEAD)?;
        let started = Instant::now();
        // One byte of a valid stream every 5 ms (an event each quarter second): every read
        // gets something, only the deadline for the whole answer can stop it.
        for byte in event(r#"{"content":"a"}"#).iter().cycle() {
            if started.elapsed() > FAKE_SERVER_PATIENCE {
                break;
            }
            out.write_all(&[*byte])?;
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    });
    let (err, shown, took) = ask_expecting_error(&mut backend_for(&url, 1));
    assert!(shown > 0, "some of the drip arrived before the deadline");
    assert!(took < Duration::from_secs(4), "the timeout holds: {took:?}");
    let text = err.to_string();
    assert!(text.contains("1 s") || text.contains("timeout"), "{text}");
    let _ = server.join();
}

#[test]
fn garbage_is_an_error() {
    // Not HTTP at all.
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let raw = noise.clone();
    let (url, server) = fake_server(move |out| out.write_all(&raw));
    let (err, _, _) = ask_expecting_error(&mut backend_for(&url, 10));
    eprintln!("not HTTP: {err}");
    let _ = server.join();

    // HTTP, with bytes that are not text as its body.
    let (url, server) = fake_server(move |out| {
        out.write_all(STREAM_HEAD)?;
        out.write_all(b"data: \xff\xfe\xfd\n\n")?;
        out.write_all(&noise)
    });
    let (err, _, _) = ask_expecting_error(&mut backend_for(&url, 10));
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    let _ = server.join();
}

#[test]
fn a_huge_timeout_is_a_clear_error_never_a_panic() {
    let huge = "http:\n  timeout_s: 18446744073709551615\n";
    let err = AgentConfig::from_yaml(
        daiw::assistant::config::DEFAULT_CONFIG_YAML,
        Some(huge),
        "config.yaml",
        Path::new("/nonexistent"),
    )
    .expect_err("out of range");
    assert!(err.to_string().contains("http.timeout_s"), "{err}");

    // Through the command line: an error naming the key and a non-zero exit.
    let home = temp_home("huge-timeout");
    std::fs::write(home.join("config.yaml"), huge).expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_daiw"))
        .args(["plan", "how are you?", "--backend", "http"])
        .env("DAIW_HOME", &home)
        .output()
        .expect("daiw runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("http.timeout_s"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A caller that skips validation gets a clamped timeout, and a working backend.
    let (url, server) = fake_server(|out| {
        out.write_all(STREAM_HEAD)?;
        out.write_all(&event(r#"{"content":"Hel"}"#))?;
        out.write_all(&event(r#"{"content":"lo"}"#))?;
        out.write_all(b"data: [DONE]\n\n")
    });
    let mut backend = backend_for(&url, u64::MAX);
    assert_eq!(backend.timeout_s(), 3600);
    let request = LlmRequest {
        system: "s",
        examples: &[],
        history: &[],
        user: "hi",
    };
    let answer = backend
        .respond(&request, &mut |_| {}, &AtomicBool::new(false))
        .expect("the fake server answers");
    assert_eq!(answer.output, LlmOutput::Reply("Hello".into()));
    let _ = server.join();
}
