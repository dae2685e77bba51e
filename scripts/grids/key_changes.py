#!/usr/bin/env python3
"""Grid of requests (key changes): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
st={"tune_key":"D","tune_scale":"major","tune_enabled":True}
C=[
("key up a semitone",U("voice_tune",{"key":"D#"})),
("move the key up a whole step",U("voice_tune",{"key":"E"})),
("tuning key down a tone",U("voice_tune",{"key":"C"})),
("same key but minor",U("voice_tune",{"key":"D","scale":"minor"})),
("switch to minor",U("voice_tune",{"scale":"minor"})),
("minor instead",U("voice_tune",{"scale":"minor"})),
("change the scale to dorian",U("voice_tune",{"scale":"dorian"})),
("keep the key, pentatonic scale",U("voice_tune",{"scale":"major_pentatonic"})),
("tune to the relative minor",U("voice_tune",{"key":"B","scale":"minor"})),
("use the relative minor",U("voice_tune",{"key":"B","scale":"minor"})),
("parallel minor",U("voice_tune",{"key":"D","scale":"minor"})),
("make it major",U("voice_tune",{"scale":"major"})),
("key of E",U("voice_tune",{"key":"E"})),
("scale: blues",U("voice_tune",{"scale":"blues"})),
("chromatic, snap to every note",U("voice_tune",{"scale":"chromatic"})),
("up a fourth in key",U("voice_tune",{"key":"G"})),
("transpose the tuning to F",U("voice_tune",{"key":"F"})),
("capo 2, so key up two semitones",U("voice_tune",{"key":"E"})),
]
cases=[{"family":"grid21.k","split":"dev","tags":["grid"],"request":r,"start":st,"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
