"""Loads the DAiW VST3 bundle through JUCE's hosting code (pedalboard) and checks it like a DAW.

Usage: python vst3_host.py PATH/TO/"DAiW Music Brain.vst3"
Prints one line per check and exits non-zero on the first failure.
"""

import json
import struct
import sys

import numpy as np
import pedalboard

SECONDS = 10.0
SETTLE_SECONDS = 0.5  # skip gain ramps and any reported latency before measuring
AMPLITUDE = 0.5
FREQ = 440.0
EXPECTED_PARAMS = 31


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def sine(sample_rate, channels=2):
    t = np.arange(int(SECONDS * sample_rate), dtype=np.float64) / sample_rate
    mono = (AMPLITUDE * np.sin(2 * np.pi * FREQ * t)).astype(np.float32)
    return np.tile(mono, (channels, 1))


def rms(x, sample_rate):
    start = int(SETTLE_SECONDS * sample_rate)
    return float(np.sqrt(np.mean(np.square(x[:, start:].astype(np.float64)))))


def varying_sizes(total):
    """A deterministic mix of odd, tiny and large block sizes that covers `total` samples."""
    sizes, pattern, i, done = [], [1, 7, 64, 333, 1024, 2, 4096, 511, 129, 8000], 0, 0
    while done < total:
        size = min(pattern[i % len(pattern)], total - done)
        sizes.append(size)
        done += size
        i += 1
    return sizes


def process_varying(plugin, audio, sample_rate):
    plugin.reset()
    out, pos = [], 0
    for size in varying_sizes(audio.shape[1]):
        chunk = audio[:, pos:pos + size]
        result = plugin.process(chunk, sample_rate, buffer_size=size, reset=False)
        # pedalboard compensates the reported latency by holding output back while
        # streaming, so early chunks can come back empty.
        if result.size:
            out.append(result.reshape(audio.shape[0], -1))
        pos += size
    return np.concatenate(out, axis=1)


def check_output(label, out, inp, sample_rate, expected_gain, latency=0):
    # A streamed output may be short by at most the latency the plugin reports.
    if out.shape[0] != inp.shape[0] or not (inp.shape[1] - latency <= out.shape[1] <= inp.shape[1]):
        fail(f"{label}: output shape {out.shape} does not fit input shape {inp.shape}")
    inp = inp[:, :out.shape[1]]
    if not np.all(np.isfinite(out)):
        fail(f"{label}: output has non-finite samples")
    ratio = rms(out, sample_rate) / rms(inp, sample_rate)
    if abs(ratio - expected_gain) > 0.01 * expected_gain:
        fail(f"{label}: RMS ratio {ratio:.4f}, expected {expected_gain:.4f}")
    print(f"ok   {label}: RMS ratio {ratio:.4f}", flush=True)


def preset_chunks(data):
    """Splits .vstpreset bytes into (version, class id, [(chunk id, payload)])."""
    if data[:4] != b"VST3":
        fail("preset_data is not a .vstpreset")
    version, = struct.unpack_from("<i", data, 4)
    class_id = data[8:40]
    list_offset, = struct.unpack_from("<q", data, 40)
    if data[list_offset:list_offset + 4] != b"List":
        fail("preset_data has no chunk list")
    count, = struct.unpack_from("<i", data, list_offset + 4)
    chunks, pos = [], list_offset + 8
    for _ in range(count):
        chunk_id = data[pos:pos + 4]
        offset, size = struct.unpack_from("<qq", data, pos + 4)
        chunks.append((chunk_id, data[offset:offset + size]))
        pos += 20
    return version, class_id, chunks


def build_preset(version, class_id, chunks):
    """The .vstpreset bytes for these chunks."""
    header = 48
    body, entries, offset = b"", [], header
    for chunk_id, payload in chunks:
        entries.append((chunk_id, offset, len(payload)))
        body += payload
        offset += len(payload)
    out = b"VST3" + struct.pack("<i", version) + class_id + struct.pack("<q", header + len(body)) + body
    out += b"List" + struct.pack("<i", len(entries))
    for chunk_id, offset, size in entries:
        out += chunk_id + struct.pack("<qq", offset, size)
    return out


def hostile_state_check(plugin, sample_rate):
    """A project holding out-of-range enums, an absurd gain and infinity: the plugin repairs
    it, plays bounded and finite audio, and saves a state that loads again."""
    version, class_id, chunks = preset_chunks(plugin.preset_data)
    comp = [payload for chunk_id, payload in chunks if chunk_id == b"Comp"]
    if not comp:
        fail("the preset has no component state")
    state = json.loads(comp[0])
    state["params"]["tune_scale"] = {"i32": 13}
    state["params"]["tune_key"] = {"i32": 12}
    state["params"]["output_gain"] = {"f32": 100.0}
    state["params"]["mod_reverb"] = {"f32": 1e39}
    hostile = json.dumps(state).encode()
    plugin.preset_data = build_preset(
        version, class_id, [(i, hostile if i == b"Comp" else p) for i, p in chunks])
    audio = sine(sample_rate)[:, :sample_rate]
    out = plugin.process(audio, sample_rate, buffer_size=512, reset=True)
    if not np.all(np.isfinite(out)):
        fail("a hostile state made the output non-finite")
    ratio = rms(out, sample_rate) / rms(audio, sample_rate)
    if ratio > 10 ** (12.5 / 20):
        fail(f"a hostile state plays {20 * np.log10(ratio):.1f} dB louder (the range ends at +12)")
    _, _, saved_chunks = preset_chunks(plugin.preset_data)
    saved = json.loads([p for i, p in saved_chunks if i == b"Comp"][0])
    text = json.dumps(saved["params"])
    if "null" in text or saved["params"]["tune_scale"] != {"string": "major"}:
        fail(f"the repaired state did not save cleanly: {text}")
    plugin.preset_data = build_preset(
        version, class_id, [(i, json.dumps(saved).encode() if i == b"Comp" else p) for i, p in saved_chunks])
    print(f"ok   hostile state repaired: output {20 * np.log10(ratio):+.1f} dB, saved and reloaded", flush=True)


def main():
    if len(sys.argv) != 2:
        fail("usage: vst3_host.py BUNDLE.vst3")
    path = sys.argv[1]
    plugin = pedalboard.load_plugin(path)
    if not isinstance(plugin, pedalboard.VST3Plugin):
        fail(f"{path} did not load as a VST3 plugin")
    print(f"ok   loaded '{plugin.name}' by {plugin.manufacturer_name}, version {plugin.version}")

    params = plugin.parameters
    print(f"ok   {len(params)} parameters: " + ", ".join(
        f"{name}={param.string_value}" for name, param in params.items()))
    if len(params) != EXPECTED_PARAMS:
        fail(f"expected {EXPECTED_PARAMS} parameters, got {len(params)}")
    for required in ("output_gain_db", "bypass", "key", "scale", "retune_speed_ms", "mix"):
        if required not in params:
            fail(f"parameter '{required}' missing")
    latency = plugin.reported_latency_samples
    print(f"ok   reported latency: {latency} samples")
    if not 0 < latency <= 480:
        fail(f"latency {latency} samples: expected 10 ms or less at 44.1 kHz")

    for sample_rate in (44100, 48000, 96000):
        audio = sine(sample_rate)
        for block in (1, 64, 512, 4096):
            out = plugin.process(audio, sample_rate, buffer_size=block, reset=True)
            check_output(f"{sample_rate} Hz, block {block}", out, audio, sample_rate, 1.0)
        out = process_varying(plugin, audio, sample_rate)
        check_output(f"{sample_rate} Hz, varying blocks", out, audio, sample_rate, 1.0,
                     latency=plugin.reported_latency_samples)

    # A parameter change must be audible: -6 dB of output gain.
    sample_rate = 48000
    audio = sine(sample_rate)
    plugin.output_gain_db = -6.0
    if abs(plugin.output_gain_db - (-6.0)) > 0.05:
        fail(f"output_gain_db reads back {plugin.output_gain_db}, expected -6.0")
    out = plugin.process(audio, sample_rate, buffer_size=512, reset=True)
    check_output("output gain -6 dB", out, audio, sample_rate, 10 ** (-6 / 20))

    # Save state, change the parameter, restore, and hear the saved value again.
    saved = plugin.raw_state
    if not saved:
        fail("raw_state is empty")
    plugin.output_gain_db = 0.0
    out = plugin.process(audio, sample_rate, buffer_size=512, reset=True)
    check_output("after change to 0 dB", out, audio, sample_rate, 1.0)
    plugin.raw_state = saved
    if abs(plugin.output_gain_db - (-6.0)) > 0.05:
        fail(f"restored output_gain_db is {plugin.output_gain_db}, expected -6.0")
    out = plugin.process(audio, sample_rate, buffer_size=512, reset=True)
    check_output("state restored (-6 dB)", out, audio, sample_rate, 10 ** (-6 / 20))

    hostile_state_check(plugin, sample_rate)
    plugin.output_gain_db = 0.0

    # A host that sends NaN and infinities gets silence back, never NaN.
    bad = audio[:, :4096].copy()
    bad[:, ::3] = np.nan
    bad[:, 1::7] = np.inf
    out = plugin.process(bad, sample_rate, buffer_size=512, reset=True)
    if not np.all(np.isfinite(out)):
        fail("non-finite input produced non-finite output")
    print("ok   NaN/inf input gives finite output")

    # Mono layout: JUCE picks it for a one-channel buffer.
    mono = sine(sample_rate, channels=1)
    plugin.output_gain_db = 0.0
    out = plugin.process(mono, sample_rate, buffer_size=256, reset=True)
    check_output("mono in/out", out, mono, sample_rate, 1.0)

    # A host reset after a loud burst into 100 % reverb: every sample after it is silent.
    if "reverb" not in params:
        fail("parameter 'reverb' missing")
    params["reverb"].raw_value = 1.0
    burst = 0.9 * np.sin(2 * np.pi * 220 * np.arange(sample_rate // 2) / sample_rate)
    burst = np.tile(burst.astype(np.float32), (2, 1))
    out = plugin.process(burst, sample_rate, buffer_size=512, reset=True)
    if np.max(np.abs(out[:, -2000:])) < 0.05:
        fail("the reverb burst was not heard")
    plugin.reset()
    silence = np.zeros((2, sample_rate), dtype=np.float32)
    out = plugin.process(silence, sample_rate, buffer_size=512, reset=False)
    loud = np.flatnonzero(np.any(out != 0.0, axis=0))
    if loud.size:
        fail(f"sound {np.max(np.abs(out)):.3g} at sample {loud[0]} after plugin.reset()")
    print("ok   reset after a reverb burst: silence from the first sample")
    params["reverb"].raw_value = 0.0

    del plugin
    print("ok   unloaded")
    print("vst3 host: all checks passed")


if __name__ == "__main__":
    main()
