#!/usr/bin/env python3
"""Grid of requests (resets): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:{"tool":t,"args":a}
R=lambda lo,hi:{"min":lo,"max":hi}
st={"mod_reverb":0.6,"tune_retune_ms":10,"tune_amount":0.5,"mod_pitch":5,"mod_formant":2,"mod_warmth":0.8,"mod_compression":0.7,"output_gain":-6,"tune_humanize":0.5}
C=[
("undo that and add some whisper",[U("undo",{}),U("voice_modulate",{"whisper":R(0.1,1)})]),
("undo, then make it warmer",[U("undo",{}),U("voice_modulate",{"warmth":R(0.5,1)})]),
("reset the reverb",[U("voice_modulate",{"reverb":R(0,0.3)})]),
("reset the pitch",[U("voice_modulate",{"pitch_semitones":0})]),
("reset the formant",[U("voice_modulate",{"formant_semitones":0})]),
("put the pitch back to normal",[U("voice_modulate",{"pitch_semitones":0})]),
("reset the tuning",[U("voice_tune",{"retune_ms":R(40,400)})]),
("reset the output",[U("mix_control",{"output_gain_db":0})]),
("output back to 0 dB",[U("mix_control",{"output_gain_db":0})]),
("back to the default warmth",[U("voice_modulate",{"warmth":0.5})]),
("warmth back to flat",[U("voice_modulate",{"warmth":0.5})]),
("no pitch shift, no formant shift",[U("voice_modulate",{"pitch_semitones":0,"formant_semitones":0})]),
("start over",[U("voice_tune",{"preset":"natural"}),U("voice_modulate",{"preset":"neutral"})]),
("reset everything",[U("voice_tune",{"preset":"natural"}),U("voice_modulate",{"preset":"neutral"})]),
("clear all effects",[U("voice_modulate",{"preset":"neutral"})]),
("flat, no effects",[U("voice_modulate",{"preset":"neutral"})]),
("default compression",[U("voice_modulate",{"compression":0})]),
("humanize back to default",[U("voice_tune",{"humanize":0.15})]),
]
cases=[{"family":"grid19.r","split":"dev","tags":["grid"],"request":r,"start":st,"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
