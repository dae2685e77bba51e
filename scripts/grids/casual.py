#!/usr/bin/env python3
"""Grid of requests (casual): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
st={"mod_reverb":0.3,"mod_compression":0.3,"output_gain":0,"tune_enabled":True,"tune_retune_ms":60,"mod_pitch":0,"backing_enabled":False,"backing":{"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8},"backing_level":-12}
C=[
("crank up the verb",U("voice_modulate",{"reverb":R(0.31,1)})),
("gimme more verb on the vox",U("voice_modulate",{"reverb":R(0.31,1)})),
("wetter vox",U("voice_modulate",{"reverb":R(0.31,1)})),
("kill the autotune",U("voice_tune",{"enabled":False})),
("AT off",U("voice_tune",{"enabled":False})),
("lemme hear the beat",U("mix_control",{"backing":True})),
("drop the beat",U("mix_control",{"backing":True})),
("pitch me down",U("voice_modulate",{"pitch_semitones":R(-12,-1)})),
("chipmunk me",U("voice_modulate",{"pitch_semitones":R(3,24)})),
("make me sound like a demon",U("voice_modulate",{"pitch_semitones":R(-24,-3)})),
("t-pain me",U("voice_tune",{"retune_ms":R(0,10)})),
("cher it up",U("voice_tune",{"retune_ms":R(0,10)})),
("squash the vox more",U("voice_modulate",{"compression":R(0.31,1)})),
("more comp",U("voice_modulate",{"compression":R(0.31,1)})),
("less comp pls",U("voice_modulate",{"compression":R(0,0.29)})),
("dry it out",U("voice_modulate",{"reverb":R(0,0.2)})),
("bone dry vox",U("voice_modulate",{"reverb":R(0,0.05)})),
("turn me up",U("mix_control",{"output_gain_db":R(0.5,12)})),
("i'm too loud",U("mix_control",{"output_gain_db":R(-12,-0.5)})),
("can't hear myself",U("mix_control",{"output_gain_db":R(0.5,12)})),
("chill beat in A minor, 80",U("backing_generate",{"key":"A","mode":"minor","tempo_bpm":80})),
("trap beat 140",U("backing_generate",{"style":"hiphop","tempo_bpm":140})),
("boom bap at 90",U("backing_generate",{"style":"hiphop","tempo_bpm":90})),
("drill beat in C# minor",U("backing_generate",{"style":"hiphop","key":"C#","mode":"minor"})),
("sad piano ballad 70 bpm",U("backing_generate",{"style":"ballad","tempo_bpm":70})),
("hype edm beat 128",U("backing_generate",{"style":"edm","tempo_bpm":128})),
("funky groove in E",U("backing_generate",{"style":"funk","key":"E"})),
("lofi it up",U("backing_generate",{"style":"lofi"})),
("robot me",U("voice_modulate",{"robot":R(0.3,1)})),
("no robot",U("voice_modulate",{"robot":R(0,0.05)})),
("whisper mode",U("voice_modulate",{"whisper":R(0.3,1)})),
("breathy pls",U("voice_modulate",{"breathiness":R(0.1,1)})),
("make it slap harder",U("voice_modulate",{"compression":R(0.31,1)})),
("tune's too hard, chill it",U("voice_tune",{"retune_ms":R(61,400)})),
("snap harder",U("voice_tune",{"retune_ms":R(0,59)})),
("less robotic tuning",U("voice_tune",{"retune_ms":R(61,400)})),
("undo lol",U("undo",{})),
("nah go back",U("undo",{})),
("scrap that",U("undo",{})),
("what key am i in rn",U("listen",{"about":"key"})),
("was i pitchy?",U("listen",{"about":"pitch"})),
("octave down",U("voice_modulate",{"pitch_semitones":-12})),
("octave up pls",U("voice_modulate",{"pitch_semitones":12})),
("up a 5th",U("voice_modulate",{"pitch_semitones":7})),
("down a 4th",U("voice_modulate",{"pitch_semitones":-5})),
("2 harmonies",U("voice_harmony",{"voices":2})),
("harmonies off",U("voice_harmony",{"voices":0})),
("beat off",U("mix_control",{"backing":False})),
("beat quieter",U("mix_control",{"backing_level_db":R(-40,-13)})),
("everything off",U("mix_control",{"bypass":True})),
]
cases=[{"family":"grid10.c","split":"dev","tags":["grid","casual"],"request":r,"start":dict(st,harmony_voices=(2 if 'harmonies off' in r else 0),backing_enabled=(True if r in ('beat off','beat quieter') else False)),"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
