#!/usr/bin/env python3
"""Grid of requests (tempo presets misc): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
random.seed(11)
cases=[]
def add(fam,req,expect,start=None):
    c={"family":"grid3."+fam,"split":"dev","tags":["grid"],"request":req}
    if start is not None: c["start"]=start
    if expect in ("reply","ask"): c["answer"]=expect
    else: c["expect"]=expect
    cases.append(c)
BK={"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}
S=lambda **k: dict({"backing":dict(BK),"backing_enabled":True},**k)
B=lambda **a:[{"tool":"backing_generate","args":a}]
# tempo changes with a backing loaded
for r,lo,hi in [("faster tempo",101,130),("slow the beat down",70,99),("tempo up 10 bpm",110,110),("take the tempo down by 20",80,80),("a little slower please",85,99),("way faster",115,200),("half time",50,50),("double time",200,200),("set the tempo to 84",84,84),("make it 84 bpm",84,84),("tempo 128",128,128),("can the beat be a touch quicker?",101,112),("the groove is too slow",101,130),("it's rushing, slow it down",70,99),("bpm -5",95,95),("5 bpm faster",105,105)]:
    add("tempo",r,B(tempo_bpm={"min":lo,"max":hi}),S())
for r,bars in [("make it 16 bars",16),("4 bars only",4),("loop of 32 bars",32),("twice as long",16),("half as long",4),("8 more bars",16)]:
    add("bars",r,B(bars=bars),S())
for r,k in [("transpose the backing up a tone","B"),("backing down a semitone","G#"),("move the track to C","C"),("put the beat in E minor","E"),("same backing but in D","D"),("backing up a fifth","E")]:
    add("bkey",r,B(key=k),S())
for r,st in [("same thing but funkier","funk"),("make the backing jazz instead","jazz"),("switch the groove to reggae","reggae"),("change the style to rock","rock"),("more of a lofi feel for the beat","lofi")]:
    add("bstyle",r,B(style=st),S())
T=lambda **a:[{"tool":"voice_tune","args":a}]
for p,names in [("hard_tune",["hard tune preset","the hard tune preset please","full T-Pain","cher effect","robotic autotune, instant snap"]),("natural",["natural tuning","natural preset","subtle, natural correction"]),("transparent",["transparent tuning","transparent preset"]),("moderate",["moderate tuning","moderate preset"]),("aggressive",["aggressive tuning","aggressive preset"]),("vulnerable",["vulnerable tuning preset","loose tuning preset"])]:
    for n in names: add("tpreset."+p,n,T(preset=p))
for r,lo,hi in [("retune speed 20 ms",20,20),("retune 0.1 seconds",100,100),("retune at 50 milliseconds",50,50),("instant retune",0,10),("zero retune",0,0),("faster retune",0,50),("slower retune",70,400),("retune a little slower",61,150),("really slow retune",150,400),("set retune to 200ms",200,200)]:
    add("retune",r,T(retune_ms={"min":lo,"max":hi}),{"tune_retune_ms":60})
V=lambda **a:[{"tool":"voice_modulate","args":a}]
for p,names in [("ethereal",["ethereal voice","the ethereal preset","make me sound ethereal"]),("dark",["dark voice preset","dark preset"]),("bright",["bright voice preset","bright preset"]),("powerful",["powerful voice","powerful preset"]),("intimate_whisper",["intimate whisper preset","intimate whisper"]),("robot",["robot preset","the robot voice preset"]),("neutral",["neutral voice","neutral preset","reset my voice to neutral"])]:
    for n in names: add("vpreset."+p,n,V(preset=p))
for r,t in [("say hello everyone","hello everyone"),("read this aloud: we are live","we are live"),("speak the words 'good night'","good night"),("can you say 'one two three'","one two three")]:
    add("speak",r,[{"tool":"voice_speak","args":{"text":t}}])
for r,a in [("what key am I singing in?","key"),("listen and tell me my key","key"),("how was my pitch?","pitch"),("was I in tune?","pitch"),("rate my intonation","pitch"),("which key was that take in?","key")]:
    add("listen",r,[{"tool":"listen","args":{"about":a}}])
for r in ["undo","undo that","go back","revert the last change","take that back","undo the last thing"]:
    add("undo",r,[{"tool":"undo","args":{}}])
for r in ["show my settings","what are the current settings?","status","what's everything set to?","tell me the settings"]:
    add("state",r,[{"tool":"get_state","args":{}}])
for r in ["follow the chords","make the tuning follow the backing's chords","chord following on"]:
    add("follow_on",r,T(follow_chords="chord_tones"),S())
for r in ["stop following the chords","chord following off","don't follow the chords anymore"]:
    add("follow_off",r,T(follow_chords="off"),S(tune_follow_chords=1))
for r,n in [("only tune to C D E G A","C D E G A"),("targets: A C E","A C E")]:
    add("notes",r,T(notes=n))
for r in ["give me 5 song titles about the sea","suggest some titles for a sad song","name ideas for a song about leaving home"]:
    add("names",r,[{"tool":"name_suggest","args":{}}])
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
