#!/usr/bin/env python3
"""Grid of requests (contrasts): one thing taken away or refused and another asked for in
the same breath ("no reverb, just some compression", "not whisper but breath", "X instead of
Y"), with and without commas: templates x musicians' words, written by hand, never read from
the parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, random, sys
random.seed(31)
R=lambda lo,hi:{"min":lo,"max":hi}
C=[("reverb","reverb","mod_reverb"),("breath","breathiness","mod_breath"),("whisper","whisper","mod_whisper"),
   ("robot","robot","mod_robot"),("compression","compression","mod_compression")]
T=["no {a}, just some {b}","no {a} just some {b}","no {a} please, only some {b}","no {a} please only some {b}",
   "not {a} but {b}","not {a}, {b}","I don't want {a}, I want {b}","I don't want {a} I want {b}",
   "{b} instead of {a}","swap the {a} for {b}","replace the {a} with {b}","lose the {a} and add {b}",
   "rather than {a}, some {b}","kill the {a}, give me {b}","{a} off {b} on","get rid of the {a} and use {b} instead",
   "without {a} but with {b}","zero {a}, more {b}","take out the {a}, put in {b}","forget the {a}, {b} please"]
st={c[2]:0.3 for c in C}
cases=[]
for i,t in enumerate(T):
    for _ in range(4):
        a,b=random.sample(C,2)
        req=t.format(a=a[0],b=b[0])
        cases.append({"family":f"grid31.c{i}","split":"dev","tags":["grid","negation","compound"],"request":req,"start":st,
                      "expect":[{"tool":"voice_modulate","args":{a[1]:0.0,b[1]:R(0.3,1) if "some" in t else R(0.31,1)}}]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
