"""Independent reader for the music-brain tests: reads a MIDI file with mido and, optionally,
renders it with fluidsynth and measures the audio. Prints one JSON object.

usage: midi_reader.py FILE.mid [--render OUT.wav --soundfont SF2]
"""
import json
import subprocess
import sys
import wave

import mido
import numpy


def read_midi(path):
    midi = mido.MidiFile(path)
    tempos, signatures, tracks = [], [], []
    for track in midi.tracks:
        now = 0
        channels, programs, notes = set(), [], 0
        pitches = {}
        for message in track:
            now += message.time
            if message.type == "set_tempo":
                tempos.append(mido.tempo2bpm(message.tempo))
            elif message.type == "time_signature":
                signatures.append([message.numerator, message.denominator])
            elif message.type == "program_change":
                programs.append([message.channel, message.program])
            elif message.type == "note_on" and message.velocity > 0:
                notes += 1
                channels.add(message.channel)
                pitches.setdefault(str(message.channel), []).append(message.note)
        tracks.append({
            "name": track.name,
            "end_tick": now,
            "channels": sorted(channels),
            "programs": programs,
            "notes": notes,
            "pitches": pitches,
        })
    return {
        "type": midi.type,
        "ticks_per_beat": midi.ticks_per_beat,
        "length_seconds": midi.length,
        "tempos": tempos,
        "time_signatures": signatures,
        "tracks": tracks,
    }


def render(path, out, soundfont):
    subprocess.run(
        ["fluidsynth", "-ni", "-q", "-g", "0.6", "-r", "44100", "-T", "wav", "-F", out,
         soundfont, path],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with wave.open(out, "rb") as w:
        rate, channels, frames = w.getframerate(), w.getnchannels(), w.getnframes()
        data = numpy.frombuffer(w.readframes(frames), dtype=numpy.int16)
    samples = data.reshape(-1, channels).astype(numpy.float64) / 32768.0
    mono = samples.mean(axis=1)
    return {
        "sample_rate": rate,
        "channels": channels,
        "seconds": frames / rate,
        "peak": float(numpy.abs(samples).max()) if frames else 0.0,
        "rms": float(numpy.sqrt(numpy.mean(mono ** 2))) if frames else 0.0,
        # Loudness of each second, to see that sound goes on through the whole file.
        "rms_per_second": [float(numpy.sqrt(numpy.mean(mono[i:i + rate] ** 2)))
                           for i in range(0, len(mono), rate)],
    }


def main():
    args = sys.argv[1:]
    result = {"midi": read_midi(args[0])}
    if "--render" in args:
        out = args[args.index("--render") + 1]
        soundfont = args[args.index("--soundfont") + 1]
        result["audio"] = render(args[0], out, soundfont)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
