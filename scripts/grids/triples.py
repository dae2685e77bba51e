#!/usr/bin/env python3
"""Grid of requests (triples): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
random.seed(21)
BK={"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}
start={"backing":BK,"backing_enabled":True,"backing_level":-12,"mod_reverb":0.3,"mod_breath":0.3,"mod_whisper":0.3,"tune_retune_ms":60,"harmony_voices":0,"output_gain":0,"mod_pitch":0,"mod_formant":0,"tune_enabled":True,"bypass":False,"mod_warmth":0.5,"mod_presence":0.5,"mod_compression":0.3,"mod_robot":0}
U=lambda t,a:{"tool":t,"args":a}
R=lambda lo,hi:{"min":lo,"max":hi}
simple=[
 ("make it warmer",[U("voice_modulate",{"warmth":R(0.51,1)})]),
 ("less breath",[U("voice_modulate",{"breathiness":R(0,0.29)})]),
 ("two harmonies please",[U("voice_harmony",{"voices":2})]),
 ("stop the music",[U("mix_control",{"backing":False})]),
 ("the beat louder",[U("mix_control",{"backing_level_db":R(-11,0)})]),
 ("key of Bb minor",[U("voice_tune",{"key":"A#","scale":"minor"})]),
 ("hard snap on the tuning",[U("voice_tune",{"retune_ms":R(0,10)})]),
 ("whisper off",[U("voice_modulate",{"whisper":R(0,0.05)})]),
 ("a touch more reverb",[U("voice_modulate",{"reverb":R(0.31,0.6)})]),
 ("pitch down an octave",[U("voice_modulate",{"pitch_semitones":-12})]),
 ("formant up 3",[U("voice_modulate",{"formant_semitones":3})]),
 ("turn me down 3 dB",[U("mix_control",{"output_gain_db":-3})]),
 ("slower retune",[U("voice_tune",{"retune_ms":R(61,400)})]),
 ("robot at 50%",[U("voice_modulate",{"robot":0.5})]),
 ("brighter vocal",[U("voice_modulate",{"presence":R(0.51,1)})]),
 ("squash it more",[U("voice_modulate",{"compression":R(0.31,1)})]),
 ("tempo 120",[U("backing_generate",{"tempo_bpm":120})]),
 ("harmonies wider",[U("voice_harmony",{"spread":R(0.51,1)})]),
]
conn=[", "," and ",", then ","; ",", also "]
cases=[]; seen=set()
while len(cases)<200:
    trio=random.sample(simple,3)
    keys=[{(c["tool"],k) for c in t[1] for k in c["args"]} for t in trio]
    if keys[0]&keys[1] or keys[0]&keys[2] or keys[1]&keys[2]: continue
    # harmonies wider needs harmonies on; skip with two harmonies if wider present? fine
    req=trio[0][0]+random.choice(conn)+trio[1][0]+random.choice(conn)+trio[2][0]
    if req in seen: continue
    seen.add(req)
    st=dict(start)
    if any(t[0]=="harmonies wider" for t in trio): st["harmony_voices"]=2; st["harmony_spread"]=0.5
    cases.append({"family":"grid14.trio","split":"dev","tags":["grid","compound"],"request":req,"start":st,"expect":sum([t[1] for t in trio],[])})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
