//! "Export take as MIDI": the latest take's notes as a Standard MIDI File under
//! `~/.daiw/exports/`, starting at the take's first note, ready to drag into the DAW.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::assistant::listening::Listening;
use crate::music::listen::midi_export::notes_to_smf_bytes;
use crate::music::theory::Key;

/// Tempo of the file when no backing gives one (the DAW's default).
pub const DEFAULT_TEMPO_BPM: f32 = 120.0;

/// Writes the latest take into `dir` as `take-N.mid` (a new name, never overwriting), at
/// `tempo_bpm`, notes named in `key`; returns the file's path or what went wrong.
pub fn export_take(
    listening: &Listening,
    key: Option<Key>,
    tempo_bpm: f32,
    dir: &Path,
) -> Result<PathBuf, String> {
    // Chromatic notes: the file holds what was sung, whatever the tuning key.
    let mut notes = listening.take_notes(None);
    let Some(first) = notes.first().map(|n| n.start_s) else {
        return Err("No take to export yet: sing a phrase first.".into());
    };
    for note in &mut notes {
        note.start_s -= first;
        note.end_s -= first;
    }
    let bytes = notes_to_smf_bytes(&notes, tempo_bpm, key).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for n in 1..10_000 {
        let path = dir.join(format!("take-{n}.mid"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(&bytes)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!("{}: too many takes already", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::listen::PitchPoint;

    #[test]
    fn a_sung_take_becomes_a_midi_file_starting_at_zero() {
        let dir = std::env::temp_dir().join(format!("daiw-take-export-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut listening = Listening::default();
        assert!(export_take(&listening, None, 120.0, &dir).is_err());
        let mut t = 100.0;
        for midi in [60.0f32, 64.0, 67.0] {
            let hz = 440.0 * 2f32.powf((midi - 69.0) / 12.0);
            for _ in 0..100 {
                listening.push(PitchPoint {
                    time_s: t,
                    f0_hz: hz,
                    voiced: true,
                });
                t += 0.005;
            }
        }
        let path = export_take(&listening, None, 120.0, &dir).expect("exported");
        let second = export_take(&listening, None, 120.0, &dir).expect("exported again");
        assert_ne!(path, second, "a new file each time");
        let bytes = std::fs::read(&path).expect("read");
        let smf = midly::Smf::parse(&bytes).expect("a MIDI file");
        let mut keys = Vec::new();
        let mut first_on = None;
        let mut tick = 0u32;
        for event in &smf.tracks[0] {
            tick += event.delta.as_int();
            if let midly::TrackEventKind::Midi {
                message: midly::MidiMessage::NoteOn { key, vel },
                ..
            } = event.kind
            {
                if vel.as_int() > 0 {
                    keys.push(key.as_int());
                    first_on.get_or_insert(tick);
                }
            }
        }
        assert_eq!(keys, vec![60, 64, 67]);
        assert_eq!(first_on, Some(0), "the take starts at the file's start");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
