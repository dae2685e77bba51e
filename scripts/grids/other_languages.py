#!/usr/bin/env python3
"""Grid of requests (other languages): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
st={"mod_reverb":0.3,"output_gain":0,"tune_enabled":True,"mod_pitch":0,"mod_robot":0,"backing_enabled":True,"backing":{"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8},"backing_level":-12}
C=[
("más reverb por favor",U("voice_modulate",{"reverb":R(0.31,1)})),
("menos reverb",U("voice_modulate",{"reverb":R(0,0.29)})),
("plus de reverb s'il te plaît",U("voice_modulate",{"reverb":R(0.31,1)})),
("moins de reverb",U("voice_modulate",{"reverb":R(0,0.29)})),
("mehr Hall bitte",U("voice_modulate",{"reverb":R(0.31,1)})),
("weniger Hall",U("voice_modulate",{"reverb":R(0,0.29)})),
("più riverbero",U("voice_modulate",{"reverb":R(0.31,1)})),
("quita el autotune",U("voice_tune",{"enabled":False})),
("sube el volumen de la música",U("mix_control",{"backing_level_db":R(-11,0)})),
("baja la música",U("mix_control",{"backing_level_db":R(-40,-13)})),
("afina en la menor",U("voice_tune",{"key":"A","scale":"minor"})),
("tonalité do majeur",U("voice_tune",{"key":"C","scale":"major"})),
("voz de robot",U("voice_modulate",{"robot":R(0.5,1)})),
("voix de robot",U("voice_modulate",{"robot":R(0.5,1)})),
("une octave plus bas",U("voice_modulate",{"pitch_semitones":-12})),
("una octava más alta",U("voice_modulate",{"pitch_semitones":12})),
("para la música",U("mix_control",{"backing":False})),
("arrête la musique",U("mix_control",{"backing":False})),
("ohne Autotune",U("voice_tune",{"enabled":False})),
("sem autotune",U("voice_tune",{"enabled":False})),
]
cases=[{"family":"grid20.l","split":"dev","tags":["grid","non_native"],"request":r,"start":st,"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
