#!/usr/bin/env python3
"""Grid of requests (coordination): one verb or amount shared by two or three controls, and
contrasts ("more X, less Y"): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, random, sys
random.seed(25)
R=lambda lo,hi:{"min":lo,"max":hi}
# (word, tool, arg, param, start, may be switched off)
C=[("reverb","voice_modulate","reverb","mod_reverb",0.3,True),
   ("breath","voice_modulate","breathiness","mod_breath",0.2,True),
   ("whisper","voice_modulate","whisper","mod_whisper",0.2,True),
   ("robot","voice_modulate","robot","mod_robot",0.2,True),
   ("compression","voice_modulate","compression","mod_compression",0.3,True),
   ("warmth","voice_modulate","warmth","mod_warmth",0.5,False),
   ("presence","voice_modulate","presence","mod_presence",0.5,False),
   ("vibrato","voice_tune","vibrato","tune_vibrato",0.5,False),
   ("humanize","voice_tune","humanize","tune_humanize",0.3,False)]
start={c[3]:c[4] for c in C}
start.update({"output_gain":0,"backing_level":-12,"backing_enabled":True,"tune_enabled":True,"mod_pitch":0,"mod_formant":0})
up=lambda c:R(round(c[4]+0.01,2),1.0)
down=lambda c:R(0.0,round(c[4]-0.01,2))
off=lambda c:0.0
val=lambda v:(lambda c:v)
def calls(*pairs):
    out={}
    for c,f in pairs:
        out.setdefault(c[1],{})[c[2]]=f(c)
    return [{"tool":t,"args":a} for t,a in out.items()]
two=[("more {a} and {b}",up,up),("less {a} and {b}",down,down),("more {a} and less {b}",up,down),
     ("less {a}, more {b}",down,up),("turn up the {a} and the {b}",up,up),("turn down {a} and {b}",down,down),
     ("{a} and {b} up a bit",up,up),("{a} and {b} down",down,down),("bring the {a} and {b} down a touch",down,down),
     ("set {a} and {b} to 40%",val(0.4),val(0.4)),("{a} 40%, {b} 60%",val(0.4),val(0.6)),
     ("{a} to 40 and {b} to 60",val(0.4),val(0.6)),("{a} at 40% and {b} at 10%",val(0.4),val(0.1)),
     ("more {a} but less {b}",up,down),("a bit more {a}, a bit less {b}",up,down),("up the {a}, drop the {b}",up,down),
     ("{a} up, {b} down",up,down),("increase {a} and {b}",up,up),("reduce {a} and {b}",down,down),
     ("{a} higher and {b} lower",up,down),("lots more {a} and a little more {b}",up,up),
     ("{a} and {b} both at 25%",val(0.25),val(0.25)),("add {a} and {b}",up,up),("cut the {a} and the {b}",down,down),
     ("a little less {a} and {b}",down,down),("{a} + {b} up",up,up),("{a}/{b} down a bit",down,down),
     ("more {a}, less {b} please",up,down),("can you raise the {a} and lower the {b}?",up,down),
     ("i want more {a} and more {b}",up,up)]
offs=[("{a} off and {b} up",off,up),("kill the {a} and the {b}",off,off),("no {a}, no {b}",off,off),
      ("{a} and {b} off",off,off),("turn off {a} and {b}",off,off),("no {a} and more {b}",off,up),
      ("remove the {a} and add {b}",off,up),("{a} to zero, {b} to 50%",off,val(0.5))]
three=[("{a}, {b} and {c} up",up,up,up),("more {a}, {b} and {c}",up,up,up),("less {a}, {b} and {c}",down,down,down),
       ("{a}, {b}, {c} all at 30%",val(0.3),val(0.3),val(0.3)),("more {a}, less {b}, more {c}",up,down,up)]
cases=[];seen=set()
def add(req,exp):
    if req in seen: return
    seen.add(req)
    cases.append({"family":"grid25.coord","split":"dev","tags":["grid","compound"],"request":req,"start":start,"expect":exp})
while len(cases)<240:
    a,b=random.sample(C,2)
    t,fa,fb=random.choice(two)
    add(t.format(a=a[0],b=b[0]),calls((a,fa),(b,fb)))
while len(cases)<290:
    a,b=random.sample([c for c in C if c[5]],2)
    t,fa,fb=random.choice(offs)
    add(t.format(a=a[0],b=b[0]),calls((a,fa),(b,fb)))
while len(cases)<320:
    a,b,c=random.sample(C,3)
    t,fa,fb,fc=random.choice(three)
    add(t.format(a=a[0],b=b[0],c=c[0]),calls((a,fa),(b,fb),(c,fc)))
M=lambda **a:{"tool":"mix_control","args":a}
for req,exp in [("me louder and the beat quieter",[M(output_gain_db=R(0.5,6),backing_level_db=R(-30,-13))]),
                ("turn me up and the backing down",[M(output_gain_db=R(0.5,6),backing_level_db=R(-30,-13))]),
                ("backing up 3 dB and me down 2",[M(backing_level_db=-9,output_gain_db=-2)]),
                ("both the output and the backing down 3 dB",[M(output_gain_db=-3,backing_level_db=-15)]),
                ("set the output to -6 and the backing to -20",[M(output_gain_db=-6,backing_level_db=-20)]),
                ("quieter backing, louder vocal",[M(backing_level_db=R(-30,-13),output_gain_db=R(0.5,6))]),
                ("louder vocal, quieter beat",[M(output_gain_db=R(0.5,6),backing_level_db=R(-30,-13))]),
                ("warmer and brighter",[{"tool":"voice_modulate","args":{"warmth":R(0.51,1),"presence":R(0.51,1)}}]),
                ("darker and less breathy",[{"tool":"voice_modulate","args":{"presence":R(0,0.49),"breathiness":R(0,0.19)}}]),
                ("drier and more compressed",[{"tool":"voice_modulate","args":{"reverb":R(0,0.29),"compression":R(0.31,1)}}]),
                ("wetter and warmer",[{"tool":"voice_modulate","args":{"reverb":R(0.31,1),"warmth":R(0.51,1)}}]),
                ("pitch and formant both down 2",[{"tool":"voice_modulate","args":{"pitch_semitones":-2,"formant_semitones":-2}}]),
                ("pitch up 3 and formant up 1",[{"tool":"voice_modulate","args":{"pitch_semitones":3,"formant_semitones":1}}]),
                ("pitch and formant up an octave",[{"tool":"voice_modulate","args":{"pitch_semitones":12,"formant_semitones":12}}])]:
    add(req,exp)
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
