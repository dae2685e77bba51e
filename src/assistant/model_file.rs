//! Where the default model lives, how to fetch it, and a quick check that a file is a GGUF model.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

/// File name of the default model inside the models directory.
pub const DEFAULT_MODEL_FILE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";
/// The fetch script, embedded so `daiw model fetch` works from an installed binary too.
pub const FETCH_SCRIPT: &str = include_str!("../../scripts/download_offline_model.sh");

/// Problems with a model file, each naming the file.
#[derive(Debug, Error)]
pub enum ModelFileError {
    /// The file does not exist.
    #[error("model file {0} does not exist (run `daiw model fetch` to install the default model)")]
    Missing(PathBuf),
    /// The file could not be read.
    #[error("model file {path} could not be read: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file does not start with the GGUF magic or is too short.
    #[error(
        "model file {0} is not a GGUF model (bad header); delete it and run `daiw model fetch`"
    )]
    NotGguf(PathBuf),
}

/// What `daiw model info` reports about a model file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ModelInfo {
    /// The file.
    pub path: PathBuf,
    /// Size in bytes.
    pub size_bytes: u64,
    /// GGUF format version from the header.
    pub gguf_version: u32,
    /// Number of tensors the header declares.
    pub tensor_count: u64,
}

/// The DAiW home directory: `$DAIW_HOME`, else `~/.daiw`.
pub fn daiw_home() -> PathBuf {
    if let Some(home) = std::env::var_os("DAIW_HOME") {
        return PathBuf::from(home);
    }
    let user_home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    user_home.join(".daiw")
}

/// Where models are kept.
pub fn models_dir() -> PathBuf {
    daiw_home().join("models")
}

/// The default model's path.
pub fn default_model_path() -> PathBuf {
    models_dir().join(DEFAULT_MODEL_FILE)
}

/// Reads a GGUF header and reports the file's size, version and tensor count.
pub fn inspect(path: &Path) -> Result<ModelInfo, ModelFileError> {
    if !path.exists() {
        return Err(ModelFileError::Missing(path.to_path_buf()));
    }
    let unreadable = |source| ModelFileError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let size_bytes = file.metadata().map_err(unreadable)?.len();
    let mut header = [0u8; 16];
    if file.read_exact(&mut header).is_err() || &header[..4] != b"GGUF" {
        return Err(ModelFileError::NotGguf(path.to_path_buf()));
    }
    let gguf_version = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let mut count = [0u8; 8];
    count.copy_from_slice(&header[8..16]);
    Ok(ModelInfo {
        path: path.to_path_buf(),
        size_bytes,
        gguf_version,
        tensor_count: u64::from_le_bytes(count),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("daiw-model-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        let mut f = File::create(&path).expect("create temp file");
        f.write_all(bytes).expect("write temp file");
        path
    }

    #[test]
    fn reads_a_gguf_header() {
        let mut bytes = b"GGUF".to_vec();
        bytes.extend_from_slice(&3u32.to_le_bytes());
        bytes.extend_from_slice(&272u64.to_le_bytes());
        let info = inspect(&temp_file("ok.gguf", &bytes)).expect("valid header");
        assert_eq!(info.gguf_version, 3);
        assert_eq!(info.tensor_count, 272);
        assert_eq!(info.size_bytes, 16);
    }

    #[test]
    fn rejects_missing_and_corrupt_files() {
        let missing = inspect(Path::new("/nonexistent/model.gguf"));
        assert!(matches!(missing, Err(ModelFileError::Missing(_))));
        let corrupt = inspect(&temp_file("bad.gguf", b"<html>not a model</html>"));
        assert!(matches!(corrupt, Err(ModelFileError::NotGguf(_))));
        let short = inspect(&temp_file("short.gguf", b"GGUF"));
        assert!(matches!(short, Err(ModelFileError::NotGguf(_))));
    }
}
