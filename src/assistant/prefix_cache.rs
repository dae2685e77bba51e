//! The decoded system prompt kept on disk between processes (`~/.daiw/cache/prefix-*.kv`):
//! loading the KV state is far faster than decoding a thousand tokens again.
//!
//! llama.cpp trusts these bytes (a truncated state file trips `GGML_ASSERT(nread <=
//! state_size)` and aborts the process), so three guards stand before it:
//! - the file carries its format, the exact token list and payload length, and a hash over
//!   everything; a file that is one byte off in any of them is deleted unread;
//! - the payload goes to llama.cpp from memory (`llama_state_seq_set_data`, whose reader
//!   reports a short buffer instead of asserting), so no temporary copy is ever written;
//! - a marker `NAME.loading-PID` exists while llama.cpp reads the payload: a marker whose
//!   process is gone means that read crashed, and the cache is dropped instead of crashing
//!   again at every start.

use std::io::Write;
use std::path::{Path, PathBuf};

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::LlamaStateSeqFlags;

/// Format tag: bumped whenever the layout or the llama.cpp state format may change.
const MAGIC: &[u8; 8] = b"DAIWKV03";
/// The crate version is part of the format: a rebuilt llama.cpp may lay its state out
/// differently, and an old cache then must not reach it.
const BUILD: &str = env!("CARGO_PKG_VERSION");

/// What loading a cache file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// The KV cache now holds exactly the tokens.
    Yes,
    /// No usable file (missing, damaged, another format): decode instead.
    No,
    /// An earlier process crashed while loading this file; it was deleted.
    CrashedBefore,
}

/// The file's bytes for `tokens` and `payload`.
fn encode(tokens: &[LlamaToken], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + tokens.len() * 4 + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(BUILD.len() as u64).to_le_bytes());
    out.extend_from_slice(BUILD.as_bytes());
    out.extend_from_slice(&(tokens.len() as u64).to_le_bytes());
    for t in tokens {
        out.extend_from_slice(&t.0.to_le_bytes());
    }
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = hash(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The payload of `bytes` if they are exactly a file written by `encode` for `tokens`.
fn decode<'a>(bytes: &'a [u8], tokens: &[LlamaToken]) -> Option<&'a [u8]> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if hash(body).to_le_bytes() != sum {
        return None;
    }
    let mut rest = body.strip_prefix(MAGIC.as_slice())?;
    let build = take_counted(&mut rest, 1)?;
    if build != BUILD.as_bytes() {
        return None;
    }
    let stored = take_counted(&mut rest, 4)?;
    let same = stored.len() == tokens.len() * 4
        && stored
            .chunks_exact(4)
            .zip(tokens)
            .all(|(b, t)| b == t.0.to_le_bytes());
    if !same {
        return None;
    }
    let payload = take_counted(&mut rest, 1)?;
    rest.is_empty().then_some(payload)
}

/// Takes a u64 count and then `count * unit` bytes from the front of `rest`.
fn take_counted<'a>(rest: &mut &'a [u8], unit: usize) -> Option<&'a [u8]> {
    let (count, tail) = rest.split_at_checked(8)?;
    let count = usize::try_from(u64::from_le_bytes(count.try_into().ok()?)).ok()?;
    let (taken, tail) = tail.split_at_checked(count.checked_mul(unit)?)?;
    *rest = tail;
    Some(taken)
}

/// FNV-1a, 64 bits.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn marker(file: &Path, pid: u32) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".loading-{pid}"));
    PathBuf::from(name)
}

/// Whether the process `pid` still runs.
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Markers of `file` left by processes that are gone.
fn stale_markers(file: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return Vec::new();
    };
    left_by_dead_processes(dir, &format!("{}.loading-", name.to_string_lossy()))
}

/// The temporary file a save of `file` by process `pid` writes before renaming it.
fn temp_name(file: &Path, pid: u32) -> Option<PathBuf> {
    let name = file.file_name()?.to_string_lossy();
    Some(file.with_file_name(format!(".{name}.tmp-{pid}")))
}

/// Files in `dir` named `PREFIX<pid>` whose process is gone.
fn left_by_dead_processes(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let entry_name = e.file_name().to_string_lossy().into_owned();
            let pid: u32 = entry_name.strip_prefix(prefix)?.parse().ok()?;
            (!alive(pid)).then(|| e.path())
        })
        .collect()
}

/// Loads `file` into sequence 0 of `ctx` when it holds exactly `tokens`.
pub fn load(ctx: &mut LlamaContext<'_>, file: &Path, tokens: &[LlamaToken]) -> Loaded {
    let stale = stale_markers(file);
    if !stale.is_empty() {
        let _ = std::fs::remove_file(file);
        for m in stale {
            let _ = std::fs::remove_file(m);
        }
        return Loaded::CrashedBefore;
    }
    let Ok(bytes) = std::fs::read(file) else {
        return Loaded::No;
    };
    let Some(payload) = decode(&bytes, tokens) else {
        let _ = std::fs::remove_file(file);
        return Loaded::No;
    };
    let mark = marker(file, std::process::id());
    if std::fs::write(&mark, b"").is_err() {
        // Without a marker a crash here could repeat at every start: decode instead.
        return Loaded::No;
    }
    ctx.clear_kv_cache();
    // SAFETY: the bytes are exactly what `save` took from llama.cpp for these tokens in this
    // build (format, length and hash checked); llama.cpp's buffer reader reports a short or
    // inconsistent buffer as an error rather than reading past it.
    let read = unsafe { ctx.state_seq_set_data_ext(payload, 0, LlamaStateSeqFlags::empty()) };
    let _ = std::fs::remove_file(&mark);
    if read {
        Loaded::Yes
    } else {
        ctx.clear_kv_cache();
        let _ = std::fs::remove_file(file);
        Loaded::No
    }
}

/// Saves sequence 0 of `ctx` (holding exactly `tokens`) as `file`: written to a temp file
/// created exclusively beside it, then renamed, so readers see a whole file or none.
pub fn save(ctx: &LlamaContext<'_>, file: &Path, tokens: &[LlamaToken]) -> std::io::Result<()> {
    let dir = file
        .parent()
        .ok_or_else(|| std::io::Error::other("the cache file has no folder"))?;
    std::fs::create_dir_all(dir)?;
    let size = ctx.state_seq_get_size_ext(0, LlamaStateSeqFlags::empty());
    let mut payload = vec![0u8; size];
    // SAFETY: the buffer has the size llama.cpp just reported for this sequence, and nothing
    // changes the context in between (this thread owns it).
    let written =
        unsafe { ctx.state_seq_get_data_ext(payload.as_mut_ptr(), 0, LlamaStateSeqFlags::empty()) };
    if written != size {
        return Err(std::io::Error::other(format!(
            "llama.cpp wrote {written} of {size} state bytes"
        )));
    }
    let tmp = temp_name(file, std::process::id())
        .ok_or_else(|| std::io::Error::other("the cache file has no name"))?;
    // A save that an abort interrupted left its temporary file: remove those first.
    if let Some(name) = file.file_name() {
        for stale in left_by_dead_processes(dir, &format!(".{}.tmp-", name.to_string_lossy())) {
            let _ = std::fs::remove_file(stale);
        }
    }
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(&encode(tokens, &payload)))
        .and_then(|()| std::fs::rename(&tmp, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(v: &[i32]) -> Vec<LlamaToken> {
        v.iter().map(|&t| LlamaToken(t)).collect()
    }

    #[test]
    fn round_trips_and_rejects_any_damage() {
        let tokens = toks(&[1, 2, 3]);
        let bytes = encode(&tokens, b"payload");
        assert_eq!(decode(&bytes, &tokens), Some(&b"payload"[..]));
        assert_eq!(decode(&bytes, &toks(&[1, 2])), None, "other tokens");
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut], &tokens), None, "truncated at {cut}");
        }
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert_eq!(decode(&flipped, &tokens), None, "byte {i} changed");
        }
    }

    #[test]
    fn a_marker_of_a_dead_process_drops_the_cache() {
        let dir = std::env::temp_dir().join(format!("daiw-prefix-marker-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("prefix-1.kv");
        std::fs::write(&file, b"x").expect("file");
        // A live process (this one) keeps its marker; pid 0x7fff_fff0 is not running.
        std::fs::write(marker(&file, std::process::id()), b"").expect("live marker");
        assert!(stale_markers(&file).is_empty());
        std::fs::write(marker(&file, 0x7fff_fff0), b"").expect("dead marker");
        assert_eq!(stale_markers(&file), vec![marker(&file, 0x7fff_fff0)]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
