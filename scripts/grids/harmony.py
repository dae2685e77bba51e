#!/usr/bin/env python3
"""Grid of requests (harmony): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, sys
U=lambda a:[{"tool":"voice_harmony","args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
C=[
("add a harmony a third above",{"voices":1},{"harmony_voices":0}),
("give me a backing vocal",{"voices":1},{"harmony_voices":0}),
("stack three voices on me",{"voices":3},{"harmony_voices":0}),
("I want a choir behind me",{"voices":R(2,4)},{"harmony_voices":0}),
("double my voice with harmonies",{"voices":R(1,4)},{"harmony_voices":0}),
("harmonize me",{"voices":1},{"harmony_voices":0}),
("a two part harmony",{"voices":1},{"harmony_voices":0}),
("more harmony voices",{"voices":R(3,4)},{"harmony_voices":2}),
("fewer harmonies",{"voices":R(0,1)},{"harmony_voices":2}),
("just one harmony",{"voices":1},{"harmony_voices":3}),
("harmonies louder",{"level":R(0.61,1)},{"harmony_voices":2,"harmony_level":0.6}),
("harmonies quieter",{"level":R(0,0.59)},{"harmony_voices":2,"harmony_level":0.6}),
("tuck the harmonies under me",{"level":R(0,0.59)},{"harmony_voices":2,"harmony_level":0.6}),
("the backing vocals are too loud",{"level":R(0,0.59)},{"harmony_voices":2,"harmony_level":0.6}),
("I can barely hear the harmonies",{"level":R(0.61,1)},{"harmony_voices":2,"harmony_level":0.6}),
("spread the harmonies wide",{"spread":R(0.7,1)},{"harmony_voices":2,"harmony_spread":0.5}),
("harmonies in mono",{"spread":R(0,0.1)},{"harmony_voices":2,"harmony_spread":0.5}),
("narrow the harmonies",{"spread":R(0,0.49)},{"harmony_voices":2,"harmony_spread":0.5}),
("pan the harmonies left and right",{"spread":R(0.6,1)},{"harmony_voices":2,"harmony_spread":0.5}),
("harmonies follow the chords",{"mode":"chord"},{"harmony_voices":2}),
("harmonies from the scale",{"mode":"diatonic"},{"harmony_voices":2}),
("harmonies from my midi keyboard",{"mode":"midi"},{"harmony_voices":2}),
("harmony level 70%",{"level":0.7},{"harmony_voices":2}),
("harmony spread 20%",{"spread":0.2},{"harmony_voices":2}),
("turn the harmonies off",{"voices":0},{"harmony_voices":2}),
("no more backing vocals",{"voices":0},{"harmony_voices":2}),
]
cases=[{"family":"grid24.h","split":"dev","tags":["grid"],"request":r,"start":st,"expect":U(e)} for r,e,st in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
