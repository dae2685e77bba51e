#!/usr/bin/env python3
"""Grid of requests (ways up down units): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
exec(open(os.path.join(os.path.dirname(__file__), 'ways_up_down.py')).read().split("C=[")[0])
BK={"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}
C=[("mix_control","output_gain_db",["my volume","the output","my level"],"output_gain",-3.0,{}),
   ("mix_control","backing_level_db",["backing volume","the beat's level","the music volume"],"backing_level",-12.0,{"backing_enabled":True}),
   ("voice_modulate","pitch_semitones",["pitch","the pitch shift"],"mod_pitch",2.0,{}),
   ("voice_modulate","formant_semitones",["formant","the formants"],"mod_formant",1.0,{}),
   ("backing_generate","tempo_bpm",["tempo","the bpm","the speed of the beat"],None,100,{"backing":BK,"backing_enabled":True})]
cases=[]
for tool,arg,names,pid,s0,extra in C:
    st=dict(extra)
    if pid: st[pid]=s0
    for x in names:
        for i,t in enumerate(up):
            cases.append({"family":f"grid6.{arg}.up.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,"expect":[{"tool":tool,"args":{arg:{"min":s0+0.01,"max":s0+100}}}]})
        for i,t in enumerate(down):
            cases.append({"family":f"grid6.{arg}.down.{i}","split":"dev","tags":["grid"],"request":t.format(x=x),"start":st,"expect":[{"tool":tool,"args":{arg:{"min":s0-100,"max":s0-0.01}}}]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
