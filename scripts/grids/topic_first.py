#!/usr/bin/env python3
"""Grid of requests (topic first): the control or the backing named first, then what to do
with it ("the reverb, less", "as for the backing: quieter", "that whisper, get rid of it"):
templates x musicians' words, written by hand, never read from the parser's tables. A
diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, sys
R=lambda lo,hi:{"min":lo,"max":hi}
C=[("the reverb","voice_modulate","reverb",0.3,True),("the breath","voice_modulate","breathiness",0.2,True),
   ("the whisper","voice_modulate","whisper",0.2,True),("the robot effect","voice_modulate","robot",0.2,True),
   ("the compression","voice_modulate","compression",0.3,True),("the warmth","voice_modulate","warmth",0.5,False),
   ("the vibrato","voice_tune","vibrato",0.5,False),("the backing volume","mix_control","backing_level_db",-12,False)]
up=["{x}, more","{x}, more please","{x}: up","{x} - a bit more","as for {x}, more","about {x}: more","{x}? more",
    "{x}, I want more","{x} I want higher","{x}, turn it up","{x}, crank it","{x}, give me more of it","{x}, raise it a bit",
    "{x}, could use more","{x}, not enough"]
down=["{x}, less","{x}, less please","{x}: down","{x} - a bit less","as for {x}, less","about {x}: less","{x}? less",
    "{x}, I want less","{x} I want lower","{x}, turn it down","{x}, tone it down","{x}, pull it back","{x}, lower it a bit",
    "{x}, too much","{x}, it's too much"]
off=["{x}, off","{x}: off","{x}, get rid of it","{x}, remove it","{x}? none","{x}, kill it","{x}, I don't want it",
    "{x} - switch it off","as for {x}, none please","{x}, take it out"]
st={"mod_reverb":0.3,"mod_breath":0.2,"mod_whisper":0.2,"mod_robot":0.2,"mod_compression":0.3,"mod_warmth":0.5,
    "tune_vibrato":0.5,"backing_level":-12,"backing_enabled":True}
cases=[]
for x,tool,arg,s0,can_off in C:
    db=arg.endswith("_db")
    for i,t in enumerate(up):
        cases.append({"family":f"grid29.up.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,
                      "expect":[{"tool":tool,"args":{arg:R(s0+0.5,6) if db else R(s0+0.01,1)}}]})
    for i,t in enumerate(down):
        cases.append({"family":f"grid29.down.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,
                      "expect":[{"tool":tool,"args":{arg:R(-60,s0-0.5) if db else R(0,s0-0.01)}}]})
    if can_off:
        for i,t in enumerate(off):
            cases.append({"family":f"grid29.off.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,
                          "expect":[{"tool":tool,"args":{arg:0.0}}]})
for t,e in [("the backing, stop it",{"backing":False}),("the beat: off",{"backing":False}),("the music, start it",{"backing":True}),
            ("the backing, louder",{"backing_level_db":R(-11.5,6)}),("the beat, quieter please",{"backing_level_db":R(-60,-12.5)}),
            ("my voice, louder",{"output_gain_db":R(0.5,12)}),("my level, 2 dB down",{"output_gain_db":-2})]:
    cases.append({"family":"grid29.mix","split":"dev","tags":["grid"],"request":t,"start":dict(st,backing_enabled=("start" not in t)),
                  "expect":[{"tool":"mix_control","args":e}]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
