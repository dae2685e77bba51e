#!/usr/bin/env python3
"""Grid of requests (taking away): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
neg=["no {x}","without {x}","I don't want {x}","{x} off","remove the {x}","get rid of the {x}","no more {x}","kill the {x}","lose the {x}","ditch the {x}","take the {x} out","{x} to zero","zero {x}","nix the {x}","skip the {x}","don't use {x}","forget the {x}","I want no {x}","turn off the {x}","switch the {x} off","disable the {x}","the {x}, remove it","{x}? none please","strip the {x}","mute the {x}","{x} at 0%","set {x} to nothing","no {x} at all","cut the {x} completely","I hate the {x}, remove it"]
U=lambda t,a:[{"tool":t,"args":a}]
C=[("reverb",{"mod_reverb":0.5},U("voice_modulate",{"reverb":{"min":0,"max":0.05}})),
   ("breath",{"mod_breath":0.5},U("voice_modulate",{"breathiness":{"min":0,"max":0.05}})),
   ("whisper",{"mod_whisper":0.5},U("voice_modulate",{"whisper":{"min":0,"max":0.05}})),
   ("robot effect",{"mod_robot":0.5},U("voice_modulate",{"robot":{"min":0,"max":0.05}})),
   ("compression",{"mod_compression":0.5},U("voice_modulate",{"compression":{"min":0,"max":0.05}})),
   ("harmonies",{"harmony_voices":2},U("voice_harmony",{"voices":0})),
   ("autotune",{"tune_enabled":True},U("voice_tune",{"enabled":False})),
   ("backing",{"backing_enabled":True,"backing":{"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}},U("mix_control",{"backing":False})),
   ("pitch shift",{"mod_pitch":5},U("voice_modulate",{"pitch_semitones":0})),
   ("vibrato",{"tune_vibrato":0.8},U("voice_tune",{"vibrato":{"min":0,"max":0.05}})),
]
cases=[]
for x,st,e in C:
    for i,t in enumerate(neg):
        cases.append({"family":f"grid11.{i}","split":"dev","tags":["grid","negation"],"request":t.format(x=x),"start":st,"expect":e})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
