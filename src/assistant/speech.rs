//! `voice_speak`: offline text to speech with Debian's `espeak-ng`, run as a separate program
//! (never linked), written as a WAV file under `~/.daiw/exports/`.
//!
//! Integration point: the speech is meant to be played through the plugin's voice chain
//! (`crate::dsp::voice_chain::VoiceChain`) so it gets the current tuning and effects. Until the
//! voice DSP lands, the WAV holds the dry speech and the caller applies the chain.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use thiserror::Error;

use super::memory::now_secs;
use super::presets::{speech_profile, SpeechProfile};

/// Problems producing speech.
#[derive(Debug, Error)]
pub enum SpeechError {
    /// `espeak-ng` is not installed.
    #[error("text to speech needs espeak-ng, which is not installed (on Debian: `sudo apt-get install espeak-ng`, or run scripts/setup.sh)")]
    Missing,
    /// No such profile.
    #[error("unknown speech profile '{0}'")]
    UnknownProfile(String),
    /// espeak-ng ran but failed.
    #[error("espeak-ng failed: {0}")]
    Failed(String),
    /// The export folder could not be made.
    #[error("could not write to {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The program to run: `$DAIW_ESPEAK_NG` or `espeak-ng` on the PATH.
fn program() -> PathBuf {
    std::env::var_os("DAIW_ESPEAK_NG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("espeak-ng"))
}

/// espeak-ng's arguments for a profile: voice, speed, pitch (0..99), amplitude (0..200).
pub fn espeak_args(profile: &SpeechProfile, out: &Path) -> Vec<String> {
    let pitch = (50.0 * profile.pitch).round().clamp(0.0, 99.0) as u32;
    let amplitude = (profile.volume * 200.0).round().clamp(0.0, 200.0) as u32;
    vec![
        "-v".into(),
        profile.voice.clone(),
        "-s".into(),
        profile.rate_wpm.clamp(80, 450).to_string(),
        "-p".into(),
        pitch.to_string(),
        "-a".into(),
        amplitude.to_string(),
        "-w".into(),
        out.display().to_string(),
        // The text comes on stdin so words starting with '-' are never options.
        "--stdin".into(),
    ]
}

/// Speaks `text` with `profile_name` into a new WAV file in `exports_dir`; returns its path.
pub fn synthesize(
    text: &str,
    profile_name: &str,
    exports_dir: &Path,
) -> Result<PathBuf, SpeechError> {
    let profile = speech_profile(profile_name)
        .ok_or_else(|| SpeechError::UnknownProfile(profile_name.into()))?;
    std::fs::create_dir_all(exports_dir).map_err(|source| SpeechError::Io {
        path: exports_dir.to_path_buf(),
        source,
    })?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_millis())
        .unwrap_or(0);
    let out = exports_dir.join(format!(
        "speech-{}-{stamp:03}-{}.wav",
        now_secs(),
        profile.name
    ));
    let mut child = Command::new(program())
        .args(espeak_args(&profile, &out))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                SpeechError::Missing
            }
            _ => SpeechError::Failed(err.to_string()),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| SpeechError::Failed(format!("could not pass the text: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| SpeechError::Failed(e.to_string()))?;
    if !output.status.success() {
        return Err(SpeechError::Failed(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    match std::fs::metadata(&out) {
        Ok(meta) if meta.len() > 44 => Ok(out),
        _ => Err(SpeechError::Failed("no audio was written".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_follow_the_profile() {
        let profile = speech_profile("guide_powerful").expect("profile");
        let args = espeak_args(&profile, Path::new("/tmp/x.wav"));
        assert_eq!(args[1], "en-us+m7");
        assert_eq!(args[3], "150");
        assert_eq!(args[5], "40");
        assert_eq!(args[7], "200");
        assert_eq!(args.last().map(String::as_str), Some("--stdin"));
    }

    #[test]
    fn unknown_profile_is_an_error() {
        let err = synthesize("hi", "opera_diva", Path::new("/tmp")).expect_err("unknown");
        assert!(matches!(err, SpeechError::UnknownProfile(_)));
    }
}
