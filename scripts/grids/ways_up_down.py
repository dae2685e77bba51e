#!/usr/bin/env python3
"""Grid of requests (ways up down): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
up=["a touch more {x}","{x} up a notch","bump the {x}","nudge the {x} up","boost the {x}","crank the {x}","give me more {x}","add more {x}","increase the {x}","raise the {x}","{x} a bit higher","more {x} please","push the {x}","bring up the {x}","up the {x}","some more {x}","extra {x}","can I get more {x}?","I need more {x}","not enough {x}","the {x} is too low","{x} too weak","more {x} than now","a little extra {x}","slightly more {x}","{x}: more","more of {x}","the {x} more big","put more {x}","{x} more much","i want {x} more","make the {x} to be more","increase of {x}","augment the {x}","the {x}, more please","turn up the {x}","{x} higher","lift the {x}","heavier {x}","stronger {x}"]
down=["a touch less {x}","{x} down a notch","cut the {x}","reduce the {x}","lower the {x}","decrease the {x}","ease off the {x}","back off the {x}","dial back the {x}","tame the {x}","pull back the {x}","less {x} please","the {x} is too much","too much {x}","{x} too high","{x} too strong","turn down the {x}","bring down the {x}","take some {x} off","not so much {x}","{x} a bit lower","slightly less {x}","i want less {x}","drop the {x} a bit","do the {x} less","i want {x} less","diminish the {x}","the {x} is too many","too many {x}","the {x}, less please","{x} lower","weaker {x}","lighter {x}","soften the {x}","trim the {x}","scale back the {x}","tone down the {x}","knock the {x} down","less {x} than now","go easy on the {x}"]
C=[("voice_modulate","reverb","reverb","mod_reverb"),("voice_modulate","breathiness","breath","mod_breath"),("voice_modulate","whisper","whisper","mod_whisper"),("voice_modulate","compression","compression","mod_compression"),("voice_modulate","robot","robot effect","mod_robot"),("voice_tune","vibrato","vibrato","tune_vibrato"),("voice_tune","humanize","humanize","tune_humanize"),("voice_modulate","warmth","warmth","mod_warmth"),("voice_modulate","presence","presence","mod_presence"),("voice_harmony","level","harmony level","harmony_level")]
cases=[]
for tool,arg,x,pid in C:
    st={pid:0.5}
    if tool=="voice_harmony": st["harmony_voices"]=2
    for i,t in enumerate(up):
        cases.append({"family":f"grid5.up.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,"expect":[{"tool":tool,"args":{arg:{"min":0.51,"max":1.0}}}]})
    for i,t in enumerate(down):
        cases.append({"family":f"grid5.down.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,"expect":[{"tool":tool,"args":{arg:{"min":0.0,"max":0.49}}}]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
