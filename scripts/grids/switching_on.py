#!/usr/bin/env python3
"""Grid of requests (switching on): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
pos=["add {x}","add some {x}","turn on the {x}","switch the {x} on","enable {x}","bring back the {x}","bring the {x} back","give me back my {x}","I want {x}","put some {x} on","activate the {x}","{x} on","{x} please","can I have {x}?","restore the {x}","I miss the {x}, bring it back","let's have some {x}","throw some {x} on it","a bit of {x}","with {x}"]
U=lambda t,a:[{"tool":t,"args":a}]
C=[("reverb",{"mod_reverb":0.0},U("voice_modulate",{"reverb":{"min":0.1,"max":1}})),
   ("breath",{"mod_breath":0.0},U("voice_modulate",{"breathiness":{"min":0.1,"max":1}})),
   ("whisper",{"mod_whisper":0.0},U("voice_modulate",{"whisper":{"min":0.1,"max":1}})),
   ("robot effect",{"mod_robot":0.0},U("voice_modulate",{"robot":{"min":0.1,"max":1}})),
   ("compression",{"mod_compression":0.0},U("voice_modulate",{"compression":{"min":0.1,"max":1}})),
   ("harmonies",{"harmony_voices":0},U("voice_harmony",{"voices":{"min":1,"max":4}})),
   ("autotune",{"tune_enabled":False},U("voice_tune",{"enabled":True})),
   ("backing",{"backing_enabled":False,"backing":{"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}},U("mix_control",{"backing":True})),
   ("vibrato",{"tune_vibrato":0.0},U("voice_tune",{"vibrato":{"min":0.1,"max":1}})),
]
cases=[]
for x,st,e in C:
    for i,t in enumerate(pos):
        cases.append({"family":f"grid12.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,"expect":e})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
