//! Reading and writing WAV files (8/16/24/32-bit integer or 32-bit float, mono or stereo, any
//! rate) with clear errors for files that are not WAV or are cut short.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// Problems with a WAV file, each naming the file.
#[derive(Debug, Error)]
pub enum WavError {
    /// The file could not be opened or is not a WAV file at all.
    #[error("{path}: not a readable WAV file ({reason})")]
    NotWav {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// The header promised more audio than the file holds, or the data is damaged.
    #[error("{path}: the audio data is truncated or damaged after {frames} frames ({reason})")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Frames read before the damage.
        frames: usize,
        /// What the decoder said.
        reason: String,
    },
    /// The header claims more audio than the file could hold (checked before anything is
    /// allocated for it).
    #[error(
        "{path}: the file is truncated or damaged: its header claims {claimed} bytes of audio \
         but the whole file has only {actual} bytes"
    )]
    HeaderTooLarge {
        /// The file.
        path: PathBuf,
        /// Bytes of samples the header's data chunk claims.
        claimed: u64,
        /// The file's real length.
        actual: u64,
    },
    /// A format we do not handle.
    #[error("{path}: {what} is not supported (mono or stereo, 8-32 bit integer or 32-bit float)")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is unsupported.
        what: String,
    },
    /// The output could not be written.
    #[error("{path}: could not write the WAV file ({reason})")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// The sample format of a file, kept so a render writes what it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavFormat {
    /// Bits per sample.
    pub bits: u16,
    /// Whether samples are IEEE floats.
    pub float: bool,
}

/// Decoded audio: one Vec per channel, samples in -1..1.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    /// Per-channel samples.
    pub channels: Vec<Vec<f32>>,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// The file's sample format.
    pub format: WavFormat,
}

impl Audio {
    /// Number of frames.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    /// The channels mixed to mono.
    pub fn mono(&self) -> Vec<f32> {
        let n = self.channels.len().max(1) as f32;
        (0..self.frames())
            .map(|i| self.channels.iter().map(|c| c[i]).sum::<f32>() / n)
            .collect()
    }
}

/// Reads a WAV file.
pub fn read(path: &Path) -> Result<Audio, WavError> {
    let not_wav = |reason: String| WavError::NotWav {
        path: path.to_path_buf(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| not_wav(e.to_string()))?;
    let actual = file.metadata().map_err(|e| not_wav(e.to_string()))?.len();
    let mut reader =
        hound::WavReader::new(std::io::BufReader::new(file)).map_err(|e| not_wav(e.to_string()))?;
    let spec = reader.spec();
    // The data chunk's size is the header's word: a damaged or hostile header may claim 4 GB
    // in a 100-byte file. Its samples must fit in the file before any room is made for them.
    let claimed = u64::from(reader.len()) * u64::from(spec.bits_per_sample.div_ceil(8));
    if claimed > actual {
        return Err(WavError::HeaderTooLarge {
            path: path.to_path_buf(),
            claimed,
            actual,
        });
    }
    let channel_count = spec.channels as usize;
    if !(1..=2).contains(&channel_count) {
        return Err(WavError::Unsupported {
            path: path.to_path_buf(),
            what: format!("{channel_count} channels"),
        });
    }
    if spec.sample_rate < 8_000 || spec.sample_rate > 384_000 {
        return Err(WavError::Unsupported {
            path: path.to_path_buf(),
            what: format!("a sample rate of {} Hz", spec.sample_rate),
        });
    }
    let format = WavFormat {
        bits: spec.bits_per_sample,
        float: spec.sample_format == hound::SampleFormat::Float,
    };
    let expected = reader.duration() as usize;
    let mut interleaved = Vec::with_capacity(expected * channel_count);
    let truncated = |frames: usize, reason: String| WavError::Truncated {
        path: path.to_path_buf(),
        frames,
        reason,
    };
    match (format.float, format.bits) {
        (true, 32) => {
            for sample in reader.samples::<f32>() {
                let value = sample
                    .map_err(|e| truncated(interleaved.len() / channel_count, e.to_string()))?;
                interleaved.push(value);
            }
        }
        (false, bits @ 8..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
            for sample in reader.samples::<i32>() {
                let value = sample
                    .map_err(|e| truncated(interleaved.len() / channel_count, e.to_string()))?;
                interleaved.push(value as f32 * scale);
            }
        }
        (float, bits) => {
            return Err(WavError::Unsupported {
                path: path.to_path_buf(),
                what: format!("{bits}-bit {}", if float { "float" } else { "integer" }),
            })
        }
    }
    if interleaved.len() < expected * channel_count {
        return Err(truncated(
            interleaved.len() / channel_count,
            format!("the header promises {expected} frames"),
        ));
    }
    let frames = interleaved.len() / channel_count;
    let channels = (0..channel_count)
        .map(|c| {
            (0..frames)
                .map(|i| interleaved[i * channel_count + c])
                .collect()
        })
        .collect();
    Ok(Audio {
        channels,
        sample_rate: spec.sample_rate,
        format,
    })
}

/// Writes `audio` in its own format (integer formats are clipped to full scale).
pub fn write(path: &Path, audio: &Audio) -> Result<(), WavError> {
    let failed = |reason: String| WavError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let spec = hound::WavSpec {
        channels: audio.channels.len() as u16,
        sample_rate: audio.sample_rate,
        bits_per_sample: audio.format.bits,
        sample_format: if audio.format.float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(|e| failed(e.to_string()))?;
    let full_scale = ((1u64 << (audio.format.bits.saturating_sub(1))) - 1) as f32;
    for i in 0..audio.frames() {
        for channel in &audio.channels {
            let x = channel[i];
            let result = if audio.format.float {
                writer.write_sample(x)
            } else {
                writer.write_sample((x.clamp(-1.0, 1.0) * full_scale).round() as i32)
            };
            result.map_err(|e| failed(e.to_string()))?;
        }
    }
    writer.finalize().map_err(|e| failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("daiw-wav-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join(name)
    }

    #[test]
    fn round_trips_every_format() {
        for (bits, float) in [
            (16, false),
            (24, false),
            (32, false),
            (32, true),
            (8, false),
        ] {
            let audio = Audio {
                channels: vec![vec![0.0, 0.5, -0.5, 0.25], vec![0.1, -0.1, 0.2, -0.2]],
                sample_rate: 44_100,
                format: WavFormat { bits, float },
            };
            let path = temp(&format!("rt-{bits}-{float}.wav"));
            write(&path, &audio).expect("write");
            let back = read(&path).expect("read");
            assert_eq!(back.format, audio.format);
            assert_eq!(back.sample_rate, 44_100);
            let tolerance = if bits == 8 { 0.01 } else { 1.0e-4 };
            for (a, b) in audio
                .channels
                .iter()
                .flatten()
                .zip(back.channels.iter().flatten())
            {
                assert!((a - b).abs() < tolerance, "{bits} bit: {a} vs {b}");
            }
        }
    }

    #[test]
    fn rejects_non_wav_and_truncated_files() {
        let text = temp("not.wav");
        std::fs::write(&text, b"this is not audio").expect("write");
        assert!(matches!(read(&text), Err(WavError::NotWav { .. })));

        let audio = Audio {
            channels: vec![vec![0.25; 1_000]],
            sample_rate: 48_000,
            format: WavFormat {
                bits: 16,
                float: false,
            },
        };
        let full = temp("full.wav");
        write(&full, &audio).expect("write");
        let bytes = std::fs::read(&full).expect("read back");
        let cut = temp("cut.wav");
        std::fs::write(&cut, &bytes[..bytes.len() - 500]).expect("write cut");
        let err = read(&cut).expect_err("truncated");
        assert!(err.to_string().contains("truncated"), "{err}");
        assert!(matches!(
            read(Path::new("/nonexistent.wav")),
            Err(WavError::NotWav { .. })
        ));
    }

    #[test]
    fn a_header_claiming_more_than_the_file_holds_is_refused() {
        // 44 bytes of header with a data chunk of 4 GB - 1 (8-bit mono: one byte a sample),
        // then 56 bytes of samples: 100 bytes in all.
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
        bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
        bytes.extend_from_slice(&44_100u32.to_le_bytes());
        bytes.extend_from_slice(&44_100u32.to_le_bytes()); // bytes per second
        bytes.extend_from_slice(&1u16.to_le_bytes()); // block align
        bytes.extend_from_slice(&8u16.to_le_bytes()); // bits
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.resize(100, 128);
        let path = temp("huge-header.wav");
        std::fs::write(&path, &bytes).expect("write");
        let err = read(&path).expect_err("a 4 GB claim in 100 bytes");
        assert!(
            matches!(err, WavError::HeaderTooLarge { claimed, actual: 100, .. } if claimed == u64::from(u32::MAX)),
            "{err}"
        );
        assert!(err.to_string().contains("claims 4294967295 bytes"), "{err}");
    }
}
