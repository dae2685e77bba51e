//! A bounded reader for GGUF headers: the metadata and tensor table of a model file, checked
//! for values that make llama.cpp abort the process instead of returning an error (a block
//! count of 0 or 100000, a NaN norm epsilon, token types outside their enum, tensors with
//! absurd shapes). Nothing here trusts a length field: every count is checked against the
//! bytes the file really has before anything is allocated for it.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Seek, SeekFrom};

/// A value from the metadata table that the checks need (others are skipped).
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    /// Any unsigned or signed integer.
    Int(i128),
    /// Any float.
    Float(f64),
    /// A string.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// An array: its element type and length (elements are checked while reading, not kept).
    Array {
        /// GGUF type id of the elements.
        element_type: u32,
        /// Number of elements.
        len: u64,
    },
}

/// What the header of a GGUF file says.
#[derive(Debug, Clone, Default)]
pub struct GgufHeader {
    /// Format version.
    pub version: u32,
    /// Tensors declared.
    pub tensor_count: u64,
    /// Metadata the checks use, by key.
    pub meta: BTreeMap<String, MetaValue>,
    /// Problems found while reading arrays (token types, scores), first few only.
    pub array_problems: Vec<String>,
}

/// Most metadata entries a real model has are a few dozen; this bound covers every published
/// architecture with room to spare and stops a header that declares billions.
const MAX_KV: u64 = 100_000;
/// Largest tensor table a real model has (a 400-layer model is about 5,000 tensors).
const MAX_TENSORS: u64 = 1_000_000;
/// Longest key or string value read: model cards and chat templates stay under this.
const MAX_STRING: u64 = 16 * 1024 * 1024;
/// GGML's number of tensor dimensions.
const MAX_DIMS: u32 = 4;
/// GGML type ids that exist (`GGML_TYPE_COUNT` of the bundled llama.cpp is 43; ids 4, 5 and
/// 31-33, 36-38 were removed).
const REMOVED_TYPES: [u32; 8] = [4, 5, 31, 32, 33, 36, 37, 38];
const TYPE_COUNT: u32 = 43;
/// Token types are `LLAMA_TOKEN_TYPE_UNDEFINED` (0) to `LLAMA_TOKEN_TYPE_BYTE` (6).
const MAX_TOKEN_TYPE: i128 = 6;
/// Array problems kept for the message (the rest are counted).
const MAX_PROBLEMS: usize = 5;

/// Reads the header of `file` (`len` bytes long); any malformed length or value is an error
/// naming what is wrong.
pub fn read_header<R: Read + Seek>(file: R, len: u64) -> Result<GgufHeader, String> {
    let mut r = Bounded {
        inner: BufReader::new(file),
        pos: 0,
        len,
    };
    let mut magic = [0u8; 4];
    r.exact(&mut magic)?;
    if &magic != b"GGUF" {
        return Err("it does not start with the GGUF magic".into());
    }
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(format!("GGUF version {version} is not 2 or 3"));
    }
    let tensor_count = r.u64()?;
    let kv_count = r.u64()?;
    if tensor_count > MAX_TENSORS || kv_count > MAX_KV {
        return Err(format!(
            "it declares {tensor_count} tensors and {kv_count} metadata entries"
        ));
    }
    let mut header = GgufHeader {
        version,
        tensor_count,
        ..GgufHeader::default()
    };
    for _ in 0..kv_count {
        let key = r.string()?;
        let value_type = r.u32()?;
        let value = r.value(value_type, &key, &mut header.array_problems)?;
        header.meta.insert(key, value);
    }
    for index in 0..tensor_count {
        read_tensor_info(&mut r).map_err(|e| format!("tensor {index}: {e}"))?;
    }
    Ok(header)
}

fn read_tensor_info<R: Read + Seek>(r: &mut Bounded<R>) -> Result<(), String> {
    let name = r.string()?;
    let dims = r.u32()?;
    if !(1..=MAX_DIMS).contains(&dims) {
        return Err(format!("'{name}' has {dims} dimensions"));
    }
    let mut elements: u64 = 1;
    for _ in 0..dims {
        let d = r.u64()?;
        elements = elements
            .checked_mul(d)
            .filter(|_| d >= 1)
            .ok_or_else(|| format!("'{name}' has an impossible shape"))?;
    }
    let ggml_type = r.u32()?;
    if ggml_type >= TYPE_COUNT || REMOVED_TYPES.contains(&ggml_type) {
        return Err(format!("'{name}' has the unknown type {ggml_type}"));
    }
    let offset = r.u64()?;
    if offset >= r.len {
        return Err(format!("'{name}' starts past the end of the file"));
    }
    Ok(())
}

/// A reader that knows how many bytes the file really has.
struct Bounded<R> {
    inner: BufReader<R>,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Bounded<R> {
    fn exact(&mut self, buf: &mut [u8]) -> Result<(), String> {
        self.inner
            .read_exact(buf)
            .map_err(|_| "the header ends early (the file is truncated)".to_string())?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    /// Skips `n` bytes that must exist.
    fn skip(&mut self, n: u64) -> Result<(), String> {
        if self.remaining() < n {
            return Err("the header ends early (the file is truncated)".into());
        }
        let step = i64::try_from(n).map_err(|_| "a length is too large".to_string())?;
        self.inner
            .seek(SeekFrom::Current(step))
            .map_err(|e| e.to_string())?;
        self.pos += n;
        Ok(())
    }

    fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut b = [0u8; 4];
        self.exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let mut b = [0u8; 8];
        self.exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.u64()?;
        if n > MAX_STRING || n > self.remaining() {
            return Err(format!("a string claims {n} bytes"));
        }
        let mut bytes = vec![0u8; n as usize];
        self.exact(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Size in bytes of one scalar of GGUF type `t` (`None` for strings and arrays).
    fn scalar_size(t: u32) -> Option<u64> {
        match t {
            0 | 1 | 7 => Some(1),
            2 | 3 => Some(2),
            4..=6 => Some(4),
            10..=12 => Some(8),
            _ => None,
        }
    }

    fn scalar(&mut self, t: u32) -> Result<MetaValue, String> {
        let size = Self::scalar_size(t).ok_or_else(|| format!("unknown value type {t}"))?;
        let mut b = [0u8; 8];
        self.exact(&mut b[..size as usize])?;
        Ok(match t {
            0 => MetaValue::Int(i128::from(b[0])),
            1 => MetaValue::Int(i128::from(b[0] as i8)),
            2 => MetaValue::Int(i128::from(u16::from_le_bytes([b[0], b[1]]))),
            3 => MetaValue::Int(i128::from(i16::from_le_bytes([b[0], b[1]]))),
            4 => MetaValue::Int(i128::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
            5 => MetaValue::Int(i128::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
            6 => MetaValue::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
            7 => MetaValue::Bool(b[0] != 0),
            10 => MetaValue::Int(i128::from(u64::from_le_bytes(b))),
            11 => MetaValue::Int(i128::from(i64::from_le_bytes(b))),
            _ => MetaValue::Float(f64::from_le_bytes(b)),
        })
    }

    fn value(
        &mut self,
        t: u32,
        key: &str,
        problems: &mut Vec<String>,
    ) -> Result<MetaValue, String> {
        match t {
            8 => Ok(MetaValue::Text(self.string()?)),
            9 => self.array(key, problems),
            _ => self.scalar(t).map_err(|e| format!("'{key}': {e}")),
        }
    }

    /// Reads an array, checking token types and scores on the way (the only arrays whose
    /// values llama.cpp trusts without a check).
    fn array(&mut self, key: &str, problems: &mut Vec<String>) -> Result<MetaValue, String> {
        let element_type = self.u32()?;
        let len = self.u64()?;
        match (element_type, Self::scalar_size(element_type)) {
            (8, _) => {
                // Each string has at least its 8-byte length.
                if len > self.remaining() / 8 {
                    return Err(format!("'{key}' claims {len} strings"));
                }
                for _ in 0..len {
                    let n = self.u64()?;
                    if n > MAX_STRING {
                        return Err(format!("a string in '{key}' claims {n} bytes"));
                    }
                    self.skip(n)?;
                }
            }
            (_, Some(size)) => {
                if len > self.remaining() / size {
                    return Err(format!("'{key}' claims {len} values"));
                }
                let checked = key.ends_with(".token_type") || key.ends_with(".scores");
                if checked {
                    for index in 0..len {
                        let v = self.scalar(element_type)?;
                        if let Some(why) = bad_array_value(key, &v) {
                            if problems.len() < MAX_PROBLEMS {
                                problems.push(format!("{key}[{index}] {why}"));
                            }
                        }
                    }
                } else {
                    self.skip(len * size)?;
                }
            }
            (other, None) => return Err(format!("'{key}' has arrays of type {other}")),
        }
        Ok(MetaValue::Array { element_type, len })
    }
}

fn bad_array_value(key: &str, v: &MetaValue) -> Option<String> {
    match v {
        MetaValue::Int(t) if key.ends_with(".token_type") && !(0..=MAX_TOKEN_TYPE).contains(t) => {
            Some(format!("is the token type {t} (0..=6 exist)"))
        }
        MetaValue::Float(f) if !f.is_finite() => Some(format!("is {f}")),
        _ => None,
    }
}

/// Largest layer count accepted: published models have at most a few hundred blocks.
const MAX_BLOCKS: i128 = 1024;
/// Largest embedding width accepted (the largest published models use 16-32k).
const MAX_EMBEDDING: i128 = 262_144;
/// Largest head count accepted.
const MAX_HEADS: i128 = 4096;

/// The hyperparameter problems of a header, one line each (empty when it looks sane).
pub fn hyperparameter_problems(h: &GgufHeader) -> Vec<String> {
    let mut problems = h.array_problems.clone();
    let Some(MetaValue::Text(arch)) = h.meta.get("general.architecture") else {
        problems.push("general.architecture is missing".into());
        return problems;
    };
    let int = |name: &str| match h.meta.get(&format!("{arch}.{name}")) {
        Some(MetaValue::Int(v)) => Some(*v),
        _ => None,
    };
    let float = |name: &str| match h.meta.get(&format!("{arch}.{name}")) {
        Some(MetaValue::Float(v)) => Some(*v),
        _ => None,
    };
    let mut want = |name: &str, value: Option<i128>, lo: i128, hi: i128, required: bool| match value
    {
        Some(v) if !(lo..=hi).contains(&v) => {
            problems.push(format!("{arch}.{name} is {v} (expected {lo}..={hi})"))
        }
        None if required => problems.push(format!("{arch}.{name} is missing")),
        _ => {}
    };
    let embedding = int("embedding_length");
    want("block_count", int("block_count"), 1, MAX_BLOCKS, true);
    want("embedding_length", embedding, 1, MAX_EMBEDDING, true);
    want("context_length", int("context_length"), 1, 1 << 24, false);
    let heads = int("attention.head_count");
    want("attention.head_count", heads, 1, MAX_HEADS, false);
    want(
        "attention.head_count_kv",
        int("attention.head_count_kv"),
        1,
        heads.unwrap_or(MAX_HEADS),
        false,
    );
    want(
        "feed_forward_length",
        int("feed_forward_length"),
        1,
        1 << 24,
        false,
    );
    for key in [
        "attention.layer_norm_rms_epsilon",
        "attention.layer_norm_epsilon",
    ] {
        if let Some(eps) = float(key) {
            if !(eps.is_finite() && eps > 0.0 && eps < 1.0) {
                problems.push(format!("{arch}.{key} is {eps} (expected 0 < eps < 1)"));
            }
        }
    }
    if let Some(base) = float("rope.freq_base") {
        if !(base.is_finite() && base > 0.0) {
            problems.push(format!("{arch}.rope.freq_base is {base}"));
        }
    }
    match h.meta.get("tokenizer.ggml.tokens") {
        Some(MetaValue::Array { len, .. }) if *len > 0 => {}
        _ => problems.push("tokenizer.ggml.tokens is missing or empty".into()),
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A tiny GGUF header: `kv` entries (key, type, value bytes) and no tensors.
    pub(crate) fn header_bytes(kv: &[(&str, u32, Vec<u8>)]) -> Vec<u8> {
        let mut b = b"GGUF".to_vec();
        b.extend(3u32.to_le_bytes());
        b.extend(0u64.to_le_bytes());
        b.extend((kv.len() as u64).to_le_bytes());
        for (key, t, value) in kv {
            b.extend((key.len() as u64).to_le_bytes());
            b.extend(key.as_bytes());
            b.extend(t.to_le_bytes());
            b.extend(value);
        }
        b
    }

    fn text(s: &str) -> Vec<u8> {
        let mut v = (s.len() as u64).to_le_bytes().to_vec();
        v.extend(s.as_bytes());
        v
    }

    fn tokens(n: u64) -> Vec<u8> {
        let mut v = 8u32.to_le_bytes().to_vec();
        v.extend(n.to_le_bytes());
        for i in 0..n {
            v.extend(text(&format!("t{i}")));
        }
        v
    }

    fn sane(block_count: u32, eps: f32, token_types: &[i32]) -> Vec<u8> {
        let mut types = 5u32.to_le_bytes().to_vec();
        types.extend((token_types.len() as u64).to_le_bytes());
        for t in token_types {
            types.extend(t.to_le_bytes());
        }
        header_bytes(&[
            ("general.architecture", 8, text("llama")),
            ("llama.block_count", 4, block_count.to_le_bytes().to_vec()),
            ("llama.embedding_length", 4, 576u32.to_le_bytes().to_vec()),
            (
                "llama.attention.layer_norm_rms_epsilon",
                6,
                eps.to_le_bytes().to_vec(),
            ),
            ("tokenizer.ggml.tokens", 9, tokens(3)),
            ("tokenizer.ggml.token_type", 9, types),
        ])
    }

    fn problems(bytes: &[u8]) -> Result<Vec<String>, String> {
        let h = read_header(Cursor::new(bytes), bytes.len() as u64)?;
        Ok(hyperparameter_problems(&h))
    }

    #[test]
    fn a_sane_header_has_no_problems() {
        assert_eq!(problems(&sane(30, 1e-5, &[1, 3, 6])), Ok(vec![]));
    }

    #[test]
    fn absurd_hyperparameters_are_named() {
        for (blocks, eps, types, needle) in [
            (0, 1e-5, vec![1], "block_count is 0"),
            (100_000, 1e-5, vec![1], "block_count is 100000"),
            (30, f32::NAN, vec![1], "layer_norm_rms_epsilon is NaN"),
            (30, 1e-5, vec![1, 77], "token type 77"),
        ] {
            let found = problems(&sane(blocks, eps, &types)).expect("readable");
            assert!(found.iter().any(|p| p.contains(needle)), "{found:?}");
        }
    }

    #[test]
    fn lying_lengths_are_errors_without_big_allocations() {
        let mut b = sane(30, 1e-5, &[1]);
        // Claim 2^40 metadata entries.
        b[16..24].copy_from_slice(&(1u64 << 40).to_le_bytes());
        assert!(problems(&b).is_err());
        // A string that claims more bytes than the file has.
        let b = header_bytes(&[(
            "general.architecture",
            8,
            (1u64 << 33).to_le_bytes().to_vec(),
        )]);
        assert!(problems(&b).is_err());
        // Truncated anywhere: an error, never a panic.
        let full = sane(30, 1e-5, &[1, 1, 1]);
        for cut in 0..full.len() {
            assert!(problems(&full[..cut]).is_err(), "cut at {cut}");
        }
    }
}
