#!/usr/bin/env python3
"""Grid of requests (switches keys styles): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
random.seed(7)
cases=[]
def add(fam,req,expect,start=None):
    c={"family":"grid2."+fam,"split":"dev","tags":["grid"],"request":req}
    if start: c["start"]=start
    if expect in ("reply","ask"): c["answer"]=expect
    else: c["expect"]=expect
    cases.append(c)
P=lambda **a:[{"tool":"mix_control","args":a}]
for r in ["start the backing","play the beat","backing on","unmute the track","bring the music in","let the instrumental play","hit play on the backing"]:
    add("backing_on",r,P(backing=True),{"backing_enabled":False})
for r in ["stop the backing","mute the beat","backing off","kill the music","no backing please","silence the instrumental","pause the track"]:
    add("backing_off",r,P(backing=False),{"backing_enabled":True})
for r in ["bypass the plugin","bypass on","turn the whole plugin off","take the plugin out for a sec","let me hear it without the plugin"]:
    add("bypass_on",r,P(bypass=True),{"bypass":False})
for r in ["bypass off","unbypass","turn the plugin back on","put the plugin back in","plugin on again"]:
    add("bypass_off",r,P(bypass=False),{"bypass":True})
T=lambda **a:[{"tool":"voice_tune","args":a}]
for r in ["tuning on","turn on the autotune","enable pitch correction","switch the tuner on","autotune back on please"]:
    add("tune_on",r,T(enabled=True),{"tune_enabled":False})
for r in ["tuning off","no autotune","disable the correction","turn the autotune off","i don't want pitch correction"]:
    add("tune_off",r,T(enabled=False),{"tune_enabled":True})
for r in ["follow the DAW tempo","sync the backing to the host","lock the beat to my session tempo"]:
    add("follow_on",r,P(follow_host=True),{"backing_follow":False})
for r in ["don't follow the host tempo","unsync the backing from the DAW","let the backing run at its own tempo"]:
    add("follow_off",r,P(follow_host=False),{"backing_follow":True})
H=lambda **a:[{"tool":"voice_harmony","args":a}]
for r,n in [("add a harmony",1),("two harmonies",2),("give me three part harmony",3),("one harmony voice please",1),("3 backing vocals",3),("double me with a harmony",1),("two harmony voices on top",2)]:
    add("harm_count",r,H(voices=n),{"harmony_voices":0})
for r in ["no harmonies","remove the harmonies","harmony off","kill the backing vocals","get rid of the harmony voices"]:
    add("harm_off",r,H(voices=0),{"harmony_voices":2})
for r,n in [("one more harmony voice",3),("add another harmony",3),("one less harmony",1),("drop one of the harmony voices",1)]:
    add("harm_step",r,H(voices=n),{"harmony_voices":2})
for r,m in [("harmony mode chords","chord"),("harmonies that follow the chords","chord"),("diatonic harmonies","diatonic"),("harmonies in the key","diatonic"),("harmony from midi","midi"),("let my keyboard play the harmonies","midi")]:
    add("harm_mode",r,H(mode=m),{"harmony_voices":2})
keys=[("C","C"),("C#","C#"),("Db","C#"),("D","D"),("Eb","D#"),("E","E"),("F","F"),("F#","F#"),("Gb","F#"),("G","G"),("Ab","G#"),("A","A"),("Bb","A#"),("B","B")]
scales=[("major","major",""),("minor","minor","m"),("dorian","dorian",None),("mixolydian","mixolydian",None),("harmonic minor","harmonic_minor",None),("minor pentatonic","minor_pentatonic",None),("blues","blues",None),("phrygian","phrygian",None),("lydian","lydian",None),("major pentatonic","major_pentatonic",None)]
tpl=["tune me to {k} {s}","key of {k} {s}","autotune in {k} {s}","set the scale to {k} {s}","correct me to {k} {s} please","my song's in {k} {s}, tune to that"]
for (k,kid),(s,sid,short) in itertools.product(keys,scales):
    t=random.choice(tpl)
    add("key."+sid,t.format(k=k,s=s),T(key=kid,scale=sid))
    if short is not None:
        add("keyshort."+sid,"tune to %s%s"%(k,short),T(key=kid,scale=sid))
styles=[("pop","pop"),("rock","rock"),("funk","funk"),("hip hop","hiphop"),("ballad","ballad"),("jazz","jazz"),("blues","blues"),("latin","latin"),("reggae","reggae"),("edm","edm"),("lofi","lofi"),("neo soul","neo_soul"),("boom bap","hiphop"),("trap","hiphop"),("house","edm"),("bossa nova","latin"),("salsa","latin"),("lo-fi hip hop","lofi"),("r&b","neo_soul"),("punk","rock"),("disco","funk"),("techno","edm")]
btpl=["give me a {st} backing in {k} {s} at {t} bpm","{t} bpm {st} beat in {k} {s}","make a {st} track, {k} {s}, {t}","I need a {st} groove, key {k} {s}, tempo {t}","can you build a {st} instrumental in {k} {s} around {t} bpm?"]
B=lambda **a:[{"tool":"backing_generate","args":a}]
for st,sid in styles:
    for _ in range(3):
        (k,kid)=random.choice(keys); (s,sid2,_s)=random.choice(scales[:2]); t=random.choice([70,84,96,100,118,124,140])
        req=random.choice(btpl).format(st=st,k=k,s=s,t=t)
        add("backing."+sid,req,B(style=sid,key=kid,mode=sid2,tempo_bpm=t))
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
