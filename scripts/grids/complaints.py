#!/usr/bin/env python3
"""Grid of requests (complaints): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
st={"mod_reverb":0.4,"mod_warmth":0.5,"mod_presence":0.5,"mod_breath":0.4,"mod_compression":0.4,"output_gain":0,"tune_retune_ms":30,"tune_amount":0.8,"mod_pitch":5,"mod_formant":0}
C=[
("my voice sounds thin",U("voice_modulate",{"warmth":R(0.51,1)})),
("it sounds a bit thin",U("voice_modulate",{"warmth":R(0.51,1)})),
("too nasal",U("voice_modulate",{"formant_semitones":R(-12,-0.5)})),
("sounds muddy",U("voice_modulate",{"warmth":R(0,0.49)})),
("the vocal is muddy",U("voice_modulate",{"warmth":R(0,0.49)})),
("too harsh",U("voice_modulate",{"presence":R(0,0.49)})),
("it's a bit harsh on the top",U("voice_modulate",{"presence":R(0,0.49)})),
("sounds dull",U("voice_modulate",{"presence":R(0.51,1)})),
("my vocal is dull and buried",U("voice_modulate",{"presence":R(0.51,1)})),
("too boomy",U("voice_modulate",{"warmth":R(0,0.49)})),
("sounds distant",U("voice_modulate",{"reverb":R(0,0.39)})),
("I sound far away",U("voice_modulate",{"reverb":R(0,0.39)})),
("sounds too dry",U("voice_modulate",{"reverb":R(0.41,1)})),
("way too dry",U("voice_modulate",{"reverb":R(0.41,1)})),
("sounds robotic",U("voice_tune",{"retune_ms":R(31,400)})),
("the tuning sounds fake",U("voice_tune",{"retune_ms":R(31,400)})),
("too breathy",U("voice_modulate",{"breathiness":R(0,0.39)})),
("too compressed",U("voice_modulate",{"compression":R(0,0.39)})),
("it's pumping",U("voice_modulate",{"compression":R(0,0.39)})),
("sounds cold",U("voice_modulate",{"warmth":R(0.51,1)})),
("I sound like a chipmunk",U("voice_modulate",{"pitch_semitones":R(-24,4)})),
("too squeaky",U("voice_modulate",{"pitch_semitones":R(-24,4)})),
("too echoey",U("voice_modulate",{"reverb":R(0,0.39)})),
("too much room",U("voice_modulate",{"reverb":R(0,0.39)})),
("sounds washed out",U("voice_modulate",{"reverb":R(0,0.39)})),
("my voice is too loud",U("mix_control",{"output_gain_db":R(-24,-0.5)})),
("I'm too quiet",U("mix_control",{"output_gain_db":R(0.5,12)})),
("sounds too bright",U("voice_modulate",{"presence":R(0,0.49)})),
("too sibilant",U("voice_modulate",{"presence":R(0,0.49)})),
("sounds boxy",U("voice_modulate",{"warmth":R(0,0.49)})),
("lacks body",U("voice_modulate",{"warmth":R(0.51,1)})),
("needs more punch",U("voice_modulate",{"compression":R(0.41,1)})),
("sounds uneven, some words too loud",U("voice_modulate",{"compression":R(0.41,1)})),
("sounds too processed",U("voice_modulate",{"mix":R(0,0.99)})),
]
cases=[{"family":"grid16.d","split":"dev","tags":["grid"],"request":r,"start":st,"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
