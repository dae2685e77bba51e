#!/usr/bin/env python3
"""Grid of requests (polite and advice): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
st={"mod_reverb":0.3,"output_gain":0,"tune_retune_ms":60,"mod_pitch":0,"harmony_voices":0,"backing_enabled":False,"backing":{"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}}
orders=[("add some reverb",U("voice_modulate",{"reverb":R(0.31,1)})),("make my voice deeper",U("voice_modulate",{"pitch_semitones":R(-12,-1)})),("tune me to E minor",U("voice_tune",{"key":"E","scale":"minor"})),("start the backing",U("mix_control",{"backing":True})),("give me two harmonies",U("voice_harmony",{"voices":2})),("make the retune faster",U("voice_tune",{"retune_ms":R(0,59)}))]
polite=["can you {o}?","could you {o} please?","would you {o}?","would you mind if you {o}?","is it possible to {o}?","please {o}","I'd like you to {o}","can u {o}","do you mind to {o}?","I was wondering if you could {o}","mind to {o}?","hey could you maybe {o}"]
advice=["what retune speed is good for a ballad?","which preset is best for rap?","what key is good for a sad song?","how much reverb should I use on a vocal?","do you think I should use more compression?","is 20 ms retune too fast for pop?","what tempo works for reggaeton?","should my harmonies be louder than me?","how do pros get that airy vocal sound?","what's the difference between dorian and minor?","is it better to tune before or after compression?","why does my voice sound thin?","which scale fits a dark song?","what's a normal amount of humanize?","is my output too hot at +6 dB?"]
cases=[]
for o,e in orders:
    for i,p in enumerate(polite):
        cases.append({"family":f"grid15.polite.{i}","split":"dev","tags":["grid"],"request":p.format(o=o),"start":st,"expect":e})
for i,a in enumerate(advice):
    cases.append({"family":f"grid15.advice.{i}","split":"dev","tags":["grid"],"request":a,"start":st,"answer":"reply"})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
