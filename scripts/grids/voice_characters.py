#!/usr/bin/env python3
"""Grid of requests (voice characters): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
st={"mod_reverb":0.3,"mod_warmth":0.5,"mod_presence":0.5,"mod_breath":0.2,"mod_whisper":0,"mod_compression":0.3,"mod_pitch":0,"mod_formant":0,"mod_robot":0}
C=[
("make me sound bigger",U("voice_modulate",{"formant_semitones":R(-12,-0.5)})),
("more intimate",U("voice_modulate",{"reverb":R(0,0.29)})),
("more airy",U("voice_modulate",{"breathiness":R(0.21,1)})),
("more present",U("voice_modulate",{"presence":R(0.51,1)})),
("put me further back",U("voice_modulate",{"reverb":R(0.31,1)})),
("closer to the mic",U("voice_modulate",{"reverb":R(0,0.29)})),
("radio voice",U("voice_modulate",{"warmth":R(0,0.49)})),
("telephone voice",U("voice_modulate",{"warmth":R(0,0.49)})),
("megaphone effect",U("voice_modulate",{"warmth":R(0,0.49)})),
("like I'm in a bathroom",U("voice_modulate",{"reverb":R(0.31,1)})),
("stadium vocals",U("voice_modulate",{"reverb":R(0.31,1)})),
("ghostly voice",U("voice_modulate",{"whisper":R(0.1,1)})),
("angelic",U("voice_modulate",{"reverb":R(0.31,1)})),
("alien voice",U("voice_modulate",{"robot":R(0.01,1)})),
("monster voice",U("voice_modulate",{"pitch_semitones":R(-24,-3)})),
("baby voice",U("voice_modulate",{"pitch_semitones":R(3,24)})),
("old man voice",U("voice_modulate",{"formant_semitones":R(-12,-0.5)})),
("childlike voice",U("voice_modulate",{"formant_semitones":R(0.5,12)})),
("make it sound like a robot",U("voice_modulate",{"robot":R(0.5,1)})),
("darth vader",U("voice_modulate",{"pitch_semitones":R(-24,-3)})),
("gollum voice",U("voice_modulate",{"formant_semitones":R(0.5,12)})),
("more aggressive delivery",U("voice_modulate",{"compression":R(0.31,1)})),
("softer, gentler voice",U("voice_modulate",{"breathiness":R(0.21,1)})),
("breathy and intimate",U("voice_modulate",{"breathiness":R(0.21,1)})),
("huge reverb",U("voice_modulate",{"reverb":R(0.6,1)})),
("a tiny bit of room",U("voice_modulate",{"reverb":R(0.05,0.29)})),
("vintage vocal sound",U("voice_modulate",{"warmth":R(0.51,1)})),
("crisp modern pop vocal",U("voice_modulate",{"presence":R(0.51,1)})),
("dark and warm",U("voice_modulate",{"warmth":R(0.51,1)})),
("thin it out",U("voice_modulate",{"warmth":R(0,0.49)})),
]
cases=[{"family":"grid18.v","split":"dev","tags":["grid"],"request":r,"start":st,"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
