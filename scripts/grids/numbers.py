#!/usr/bin/env python3
"""Grid of requests (numbers): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
BK={"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}
st={"backing":BK,"backing_enabled":True,"backing_level":-12,"output_gain":0,"mod_reverb":0.3,"tune_retune_ms":60}
C=[
("reverb at forty percent",U("voice_modulate",{"reverb":0.4})),
("reverb forty five percent",U("voice_modulate",{"reverb":0.45})),
("set whisper to twenty percent",U("voice_modulate",{"whisper":0.2})),
("compression at seventy five",U("voice_modulate",{"compression":0.75})),
("retune twenty five ms",U("voice_tune",{"retune_ms":25})),
("retune speed of one hundred milliseconds",U("voice_tune",{"retune_ms":100})),
("retune a hundred and fifty ms",U("voice_tune",{"retune_ms":150})),
("tempo a hundred and ten",U("backing_generate",{"tempo_bpm":110})),
("one hundred twenty bpm",U("backing_generate",{"tempo_bpm":120})),
("make it ninety five bpm",U("backing_generate",{"tempo_bpm":95})),
("tempo eighty-five",U("backing_generate",{"tempo_bpm":85})),
("pitch up seven semitones",U("voice_modulate",{"pitch_semitones":7})),
("down three semitones",U("voice_modulate",{"pitch_semitones":-3})),
("pitch minus twelve",U("voice_modulate",{"pitch_semitones":-12})),
("formant plus two",U("voice_modulate",{"formant_semitones":2})),
("output minus six dB",U("mix_control",{"output_gain_db":-6})),
("output at negative four",U("mix_control",{"output_gain_db":-4})),
("backing at minus eighteen",U("mix_control",{"backing_level_db":-18})),
("backing down two and a half dB",U("mix_control",{"backing_level_db":-14.5})),
("three harmonies",U("voice_harmony",{"voices":3})),
("sixteen bars",U("backing_generate",{"bars":16})),
("thirty two bars",U("backing_generate",{"bars":32})),
("a twelve bar blues in E",U("backing_generate",{"bars":12,"style":"blues","key":"E"})),
("humanize thirty percent",U("voice_tune",{"humanize":0.3})),
("keep sixty percent of my vibrato",U("voice_tune",{"vibrato":0.6})),
("amount ninety percent",U("voice_tune",{"amount":0.9})),
("reverb at half",U("voice_modulate",{"reverb":0.5})),
("reverb at a quarter",U("voice_modulate",{"reverb":0.25})),
("whisper at three quarters",U("voice_modulate",{"whisper":0.75})),
("reverb at 0.4",U("voice_modulate",{"reverb":0.4})),
("retune 0.05 seconds",U("voice_tune",{"retune_ms":50})),
("retune in 80 millis",U("voice_tune",{"retune_ms":80})),
("pitch +7st",U("voice_modulate",{"pitch_semitones":7})),
("pitch -5 semis",U("voice_modulate",{"pitch_semitones":-5})),
("up 50 cents",U("voice_modulate",{"pitch_semitones":0.5})),
("output +3dB",U("mix_control",{"output_gain_db":3})),
("backing -20db",U("mix_control",{"backing_level_db":-20})),
("tempo 72bpm",U("backing_generate",{"tempo_bpm":72})),
("harmony level 40 %",U("voice_harmony",{"level":0.4})),
("spread 100%",U("voice_harmony",{"spread":1.0})),
("reverb 3/4",U("voice_modulate",{"reverb":0.75})),
("vibrato: 0",U("voice_tune",{"vibrato":0})),
("mix 80",U("voice_modulate",{"mix":0.8})),
("robot 100",U("voice_modulate",{"robot":1.0})),
("breath level 15",U("voice_modulate",{"breathiness":0.15})),
]
cases=[{"family":"grid13.n","split":"dev","tags":["grid","number_words"],"request":r,"start":dict(st,harmony_voices=2),"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
