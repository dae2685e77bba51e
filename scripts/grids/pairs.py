#!/usr/bin/env python3
"""Grid of requests (pairs): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
random.seed(5)
BK={"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}
start={"backing":dict(BK),"backing_enabled":True,"backing_level":-12,"mod_reverb":0.3,"mod_breath":0.2,"tune_retune_ms":60,"harmony_voices":0,"output_gain":0,"mod_pitch":0,"tune_enabled":True,"bypass":False}
U=lambda t,a:{"tool":t,"args":a}
R=lambda lo,hi:{"min":lo,"max":hi}
simple=[
 ("tune me to D minor",[U("voice_tune",{"key":"D","scale":"minor"})]),
 ("key of F# major",[U("voice_tune",{"key":"F#","scale":"major"})]),
 ("more reverb",[U("voice_modulate",{"reverb":R(0.31,1)})]),
 ("less reverb",[U("voice_modulate",{"reverb":R(0,0.29)})]),
 ("reverb at 50%",[U("voice_modulate",{"reverb":0.5})]),
 ("add some breath",[U("voice_modulate",{"breathiness":R(0.21,1)})]),
 ("faster retune",[U("voice_tune",{"retune_ms":R(0,59)})]),
 ("retune 20 ms",[U("voice_tune",{"retune_ms":20})]),
 ("pitch up an octave",[U("voice_modulate",{"pitch_semitones":12})]),
 ("drop my voice 2 semitones",[U("voice_modulate",{"pitch_semitones":-2})]),
 ("add two harmonies",[U("voice_harmony",{"voices":2})]),
 ("stop the backing",[U("mix_control",{"backing":False})]),
 ("backing down 3 dB",[U("mix_control",{"backing_level_db":-15})]),
 ("make me 2 dB louder",[U("mix_control",{"output_gain_db":2})]),
 ("turn the tuning off",[U("voice_tune",{"enabled":False})]),
 ("bypass the plugin",[U("mix_control",{"bypass":True})]),
 ("make the beat faster",[U("backing_generate",{"tempo_bpm":R(101,140)})]),
 ("tempo 90",[U("backing_generate",{"tempo_bpm":90})]),
 ("a funk backing in E minor at 110 bpm",[U("backing_generate",{"style":"funk","key":"E","mode":"minor","tempo_bpm":110})]),
 ("hard tune preset",[U("voice_tune",{"preset":"hard_tune"})]),
 ("ethereal voice",[U("voice_modulate",{"preset":"ethereal"})]),
 ("more robot",[U("voice_modulate",{"robot":R(0.01,1)})]),
 ("whisper 30%",[U("voice_modulate",{"whisper":0.3})]),
 ("follow the chords",[U("voice_tune",{"follow_chords":"chord_tones"})]),
 ("formant down 2",[U("voice_modulate",{"formant_semitones":-2})]),
 ("more compression",[U("voice_modulate",{"compression":R(0.01,1)})]),
 ("warmer",[U("voice_modulate",{"warmth":R(0.51,1)})]),
 ("brighter",[U("voice_modulate",{"presence":R(0.51,1)})]),
 ("16 bars",[U("backing_generate",{"bars":16})]),
]
conn=[", "," and ",", then ","; ",". ",", and also "," and then ",", plus ",", after that "," & "," + ","\n"]
cases=[]
seen=set()
while len(cases)<300:
    a,b=random.sample(simple,2)
    ta=set(c["tool"] for c in a[1]); tb=set(c["tool"] for c in b[1])
    # skip pairs that touch the same arg
    ka={(c["tool"],k) for c in a[1] for k in c["args"]}; kb={(c["tool"],k) for c in b[1] for k in c["args"]}
    if ka&kb: continue
    if "backing_generate" in ta and "backing_generate" in tb: continue
    cn=random.choice(conn)
    req=a[0]+cn+b[0]
    if req in seen: continue
    seen.add(req)
    cases.append({"family":"grid4.pair","split":"dev","tags":["grid","compound"],"request":req,"start":start,"expect":a[1]+b[1]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
