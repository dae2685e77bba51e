//! The HTTP backend against a real OpenAI-compatible server on 127.0.0.1: llama-cpp-python's
//! server (installed by scripts/setup_llm_server.sh into ~/.cache/daiw/llm-server-venv) serving the
//! default model. Streaming replies, a tool call applied through the agent, and a server that
//! never answers (timeout) all become chat results, never crashes.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use daiw::assistant::agent::{ChatAgent, Source};
use daiw::assistant::config::{AgentConfig, BackendKind, HttpParams};
use daiw::assistant::grammar::tool_grammar;
use daiw::assistant::http::HttpBackend;
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
