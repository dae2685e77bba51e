#!/usr/bin/env python3
"""Grid of requests (sizes): how far a relative order moves a control, from a known value
(multiples, shares, percentage steps, the ends, hints and loads): templates x musicians'
words, written by hand, never read from the parser's tables. A diagnostic kept out of the
corpus: see scripts/grids/run.sh."""
import json, sys
R=lambda lo,hi:{"min":lo,"max":hi}
S=0.4
C=[("reverb","voice_modulate","reverb","mod_reverb"),("breath","voice_modulate","breathiness","mod_breath"),
   ("whisper","voice_modulate","whisper","mod_whisper"),("robot","voice_modulate","robot","mod_robot"),
   ("compression","voice_modulate","compression","mod_compression"),("warmth","voice_modulate","warmth","mod_warmth"),
   ("presence","voice_modulate","presence","mod_presence"),("vibrato","voice_tune","vibrato","tune_vibrato"),
   ("humanize","voice_tune","humanize","tune_humanize"),("harmony level","voice_harmony","level","harmony_level"),
   ("tuning amount","voice_tune","amount","tune_amount"),("dry/wet mix","voice_modulate","mix","mod_mix")]
T=[# doubles and halves
   ("double the {x}",R(0.75,0.85)),("twice as much {x}",R(0.75,0.85)),("{x} x2",R(0.75,0.85)),("2x the {x}",R(0.75,0.85)),
   ("halve the {x}",R(0.15,0.25)),("half the {x}",R(0.15,0.25)),("half as much {x}",R(0.15,0.25)),("cut the {x} in half",R(0.15,0.25)),
   ("{x} times two",R(0.75,0.85)),("{x} by half",R(0.15,0.25)),
   # percentage steps (points or share both accepted)
   ("{x} up 10%",R(0.43,0.51)),("10% more {x}",R(0.43,0.51)),("{x} +10%",R(0.43,0.51)),("add 10% to the {x}",R(0.43,0.51)),
   ("raise the {x} by 10 percent",R(0.43,0.51)),("increase {x} by ten percent",R(0.43,0.51)),
   ("{x} down 10%",R(0.29,0.37)),("10% less {x}",R(0.29,0.37)),("take 10% off the {x}",R(0.29,0.37)),
   ("{x} -10%",R(0.29,0.37)),("lower the {x} by 10 percent",R(0.29,0.37)),("reduce the {x} by ten percent",R(0.29,0.37)),
   # shares
   ("a third more {x}",R(0.5,0.6)),("a quarter less {x}",R(0.25,0.32)),("{x} up by a quarter",R(0.48,0.66)),
   ("{x} 50% higher",R(0.58,0.62)),("{x} 50% lower",R(0.18,0.22)),
   # the ends
   ("{x} to the max",R(1.0,1.0)),("max {x}",R(1.0,1.0)),("{x} all the way up",R(1.0,1.0)),("full {x}",R(1.0,1.0)),
   ("{x} 100%",R(1.0,1.0)),("crank the {x} all the way",R(1.0,1.0)),("{x} as high as it goes",R(1.0,1.0)),
   ("{x} to the minimum",R(0.0,0.0)),("{x} all the way down",R(0.0,0.0)),("{x} to 0",R(0.0,0.0)),("{x} at zero",R(0.0,0.0)),
   # set to a small or large amount
   ("just a hint of {x}",R(0.02,0.25)),("barely any {x}",R(0.0,0.2)),("a tiny bit of {x}",R(0.02,0.25)),
   ("tons of {x}",R(0.65,1.0)),("loads of {x}",R(0.65,1.0)),
   # relative sizes
   ("way more {x}",R(0.6,1.0)),("much more {x}",R(0.6,1.0)),("a lot more {x}",R(0.6,1.0)),("a touch more {x}",R(0.41,0.55)),
   ("slightly more {x}",R(0.41,0.55)),("way less {x}",R(0.0,0.2)),("slightly less {x}",R(0.25,0.39)),("a lot less {x}",R(0.0,0.2)),
   ("a little less {x}",R(0.25,0.39)),("much less {x}",R(0.0,0.2)),
   # values in other spellings
   ("{x} halfway",R(0.5,0.5)),("{x} at half",R(0.5,0.5)),("{x} three quarters",R(0.75,0.75)),("{x} at three quarters",R(0.75,0.75)),
   ("{x} 0.6",R(0.6,0.6)),("{x} point six",R(0.6,0.6)),("{x} six out of ten",R(0.6,0.6)),("{x} 6/10",R(0.6,0.6)),
   ("{x} 60",R(0.6,0.6)),("{x} at sixty percent",R(0.6,0.6)),("{x} on 60%",R(0.6,0.6)),("{x} a quarter",R(0.25,0.25)),
   ("{x} to a third",R(0.33,0.34)),("{x} 25 per cent",R(0.25,0.25))]
cases=[]
for x,tool,arg,pid in C:
    st={pid:S,"harmony_voices":2,"backing_enabled":True,"output_gain":-3,"backing_level":-12}
    for i,(t,r) in enumerate(T):
        cases.append({"family":f"grid26.{arg}.{i}","split":"dev","tags":["grid","relative"],"request":t.format(x=x),"start":st,"expect":[{"tool":tool,"args":{arg:r}}]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
