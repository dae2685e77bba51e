//! The standalone binary: runs on the dummy backend and exits cleanly; under Xvfb (software
//! OpenGL) its editor draws a real window, checked on a screenshot.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const STANDALONE: &str = env!("CARGO_BIN_EXE_daiw_standalone");

/// Waits for `child` up to `limit`; kills it and fails the test if it does not exit in time.
fn wait_with_limit(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().expect("collect output"),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let output = child.wait_with_output().expect("collect output");
                panic!(
                    "{what} did not exit within {limit:?}\nstderr:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => panic!("waiting for {what}: {err}"),
        }
    }
}

#[test]
fn standalone_runs_on_the_dummy_backend_and_exits_cleanly() {
    let started = Instant::now();
    let child = Command::new(STANDALONE)
        .args(["--backend", "dummy", "--no-editor", "--run-for", "3"])
        .env_remove("DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the standalone");
    let output = wait_with_limit(child, Duration::from_secs(60), "the headless standalone");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {}:\n{stderr}", output.status);
    assert!(
        stderr.contains("dummy audio backend"),
        "backend not announced:\n{stderr}"
    );
    assert!(
        stderr.contains("exited cleanly"),
        "no clean exit:\n{stderr}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "exited before --run-for elapsed"
    );
}

#[test]
fn standalone_rejects_a_bad_run_for() {
    let output = Command::new(STANDALONE)
        .args(["--no-editor", "--run-for", "soon"])
        .output()
        .expect("start the standalone");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a number of seconds"));
}

/// A private X server for one test, stopped on drop.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        // Pick a display number no other server (or parallel test run) holds.
        for number in 90 + (std::process::id() % 50)..400 {
            if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
                || Path::new(&format!("/tmp/.X{number}-lock")).exists()
            {
                continue;
            }
            let display = format!(":{number}");
            let child = Command::new("Xvfb")
                .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb (run scripts/setup.sh to install it)");
            // From here the guard owns the server, so a failure below still stops it.
            let server = Xvfb { child, display };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
                    return server;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            panic!("Xvfb on {} did not come up", server.display);
        }
        panic!("no free X display number");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Geometry (x, y, width, height) of the first top-level window whose name contains `name`.
fn find_window(display: &str, name: &str) -> Option<(u32, u32, u32, u32)> {
    let output = Command::new("xwininfo")
        .args(["-display", display, "-root", "-tree"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.contains(name))?;
    // Lines look like: 0x200001 "DAiW Music Brain": ()  720x560+0+0  +0+0
    let geometry = line
        .split_whitespace()
        .find(|w| w.contains('x') && w.contains('+') && !w.starts_with("0x"))?;
    let (size, pos) = geometry.split_once('+')?;
    let (w, h) = size.split_once('x')?;
    let (x, y) = pos.split_once('+')?;
    Some((
        x.parse().ok()?,
        y.parse().ok()?,
        w.parse().ok()?,
        h.parse().ok()?,
    ))
}

/// Decodes a PNG into (width, height, RGB bytes).
fn read_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("open screenshot"),
    ));
    let mut reader = decoder.read_info().expect("read PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("decode PNG");
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|px| [px[0], px[1 % channels], px[2 % channels]])
        .collect();
    (info.width, info.height, rgb)
}

#[test]
fn editor_draws_a_window_under_xvfb() {
    let xvfb = Xvfb::start();
    let child = Command::new(STANDALONE)
        .args(["--backend", "dummy", "--run-for", "12"])
        .env("DISPLAY", &xvfb.display)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the standalone");

    // Wait for the window to be mapped and drawn.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut window = None;
    while Instant::now() < deadline && window.is_none() {
        std::thread::sleep(Duration::from_millis(200));
        window = find_window(&xvfb.display, "DAiW Music Brain");
    }
    let (x, y, w, h) = window.expect("the editor window never appeared");
    std::thread::sleep(Duration::from_secs(3));

    let shot: PathBuf =
        std::env::temp_dir().join(format!("daiw-editor-{}.png", std::process::id()));
    let status = Command::new("import")
        .args(["-display", &xvfb.display, "-window", "root"])
        .arg(&shot)
        .status()
        .expect("run ImageMagick's import (scripts/setup.sh installs it)");
    assert!(status.success(), "screenshot failed");

    let output = wait_with_limit(child, Duration::from_secs(30), "the standalone with editor");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {}:\n{stderr}", output.status);

    let (width, height, rgb) = read_png(&shot);
    assert!(w >= 400 && h >= 300, "window too small: {w}x{h}");
    let mut colours = std::collections::HashSet::new();
    let mut bright = 0usize;
    let mut total = 0usize;
    for row in y..(y + h).min(height) {
        for col in x..(x + w).min(width) {
            let i = ((row * width + col) * 3) as usize;
            let px = [rgb[i], rgb[i + 1], rgb[i + 2]];
            colours.insert(px);
            if px.iter().map(|&c| c as u32).sum::<u32>() > 300 {
                bright += 1;
            }
            total += 1;
        }
    }
    println!(
        "editor window {w}x{h} at ({x},{y}); {} colours, {:.2}% bright pixels; screenshot {}",
        colours.len(),
        100.0 * bright as f64 / total as f64,
        shot.display()
    );
    assert!(
        colours.len() > 20,
        "window looks blank: {} colours",
        colours.len()
    );
    assert!(
        bright > total / 200,
        "no text or controls drawn (bright pixels {bright} of {total})"
    );
}
