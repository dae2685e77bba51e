"""Loads the DAiW VST3 bundle through JUCE's hosting code (pedalboard) and checks it like a DAW.

Usage: python vst3_host.py PATH/TO/"DAiW Music Brain.vst3"
Prints one line per check and exits non-zero on the first failure.
"""

import sys

import numpy as np
import pedalboard

SECONDS = 10.0
SETTLE_SECONDS = 0.5  # skip gain ramps and any reported latency before measuring
AMPLITUDE = 0.5
FREQ = 440.0
EXPECTED_PARAMS = 23


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

    del plugin
    print("ok   unloaded")
    print("vst3 host: all checks passed")


if __name__ == "__main__":
    main()
