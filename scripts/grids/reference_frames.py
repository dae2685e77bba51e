#!/usr/bin/env python3
"""Grid of requests (reference frames): the ways people put an artist's or a thing's sound
into words ("give me that X sound", "X vibes", "turn me into X"), around references whose
sound is not in doubt: templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, sys
R=lambda lo,hi:{"min":lo,"max":hi}
T=lambda a:[{"tool":"voice_tune","args":a}]
M=lambda a:[{"tool":"voice_modulate","args":a}]
hard=T({"retune_ms":R(0,20)})
names=[("T-Pain",hard),("Cher's Believe",hard),("Travis Scott",hard),
       ("Darth Vader",M({"pitch_semitones":R(-24,-3),"formant_semitones":R(-12,0)})),("Enya",M({"reverb":R(0.5,1)})),
       ("Billie Eilish",M({"whisper":R(0.3,1)}))]
things=[("a chipmunk",M({"pitch_semitones":R(3,24),"formant_semitones":R(0,12)})),("a robot",M({"robot":R(0.4,1)})),
        ("a giant",M({"pitch_semitones":R(-24,-3),"formant_semitones":R(-12,0)})),("a cathedral",M({"reverb":R(0.5,1)})),
        ("a helium balloon",M({"pitch_semitones":R(3,24),"formant_semitones":R(0,12)})),("a vocoder",M({"robot":R(0.4,1)}))]
for_names=["make me sound like {r}","sound like {r}","{r} style vocals","{r}-style vocal","give me that {r} sound",
   "{r} vibes","do the {r} thing","I want to sound like {r}","can you make me sound like {r}?","in the style of {r}",
   "{r} voice","like {r}","channel {r}","go full {r}","{r} effect on my voice","that {r} thing on my vocals",
   "{r} please","turn me into {r}","{r}-esque vocals","make it {r}","I want the {r} effect","my voice like {r}",
   "can I get the {r} sound","sing like {r}","{r} type vocal","vocals a la {r}","kinda {r}","something like {r} on my voice",
   "I'm going for {r}","{r} mode"]
for_things=["make me sound like {r}","sound like {r}","turn me into {r}","like {r}","I want to sound like {r}",
   "can you make me sound like {r}?","my voice like {r}","something like {r} on my voice","make my voice {r}",
   "as if I were {r}","voice of {r}","give me {r} voice"]
st={"mod_reverb":0.3,"mod_breath":0.2,"mod_robot":0,"mod_pitch":0,"mod_formant":0,"mod_whisper":0,"tune_retune_ms":60}
cases=[]
for r,e in names:
    for i,t in enumerate(for_names):
        cases.append({"family":f"grid27.n{i}","split":"dev","tags":["grid","reference"],"request":t.format(r=r),"start":st,"expect":e})
for r,e in things:
    for i,t in enumerate(for_things):
        if r=="a cathedral" and t in ("turn me into {r}","voice of {r}","give me {r} voice","make my voice {r}","as if I were {r}"):
            t="like I'm singing in {r}"
        cases.append({"family":f"grid27.t{i}","split":"dev","tags":["grid","reference"],"request":t.format(r=r),"start":st,"expect":e})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
