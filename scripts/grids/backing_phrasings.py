#!/usr/bin/env python3
"""Grid of requests (backing phrasings): backing requests with some or all of style, key,
mode, tempo and bars, in many verbs, spellings and orders: templates x musicians' words,
written by hand, never read from the parser's tables. A diagnostic kept out of the corpus:
see scripts/grids/run.sh."""
import json, random, sys
random.seed(30)
styles=[("funk","funk"),("funky","funk"),("jazz","jazz"),("jazzy","jazz"),("blues","blues"),("bluesy","blues"),
        ("reggae","reggae"),("rock","rock"),("pop","pop"),("hip hop","hiphop"),("lofi","lofi"),("latin","latin"),
        ("edm","edm"),("ballad","ballad"),("neo soul","neo_soul"),("boom bap","hiphop"),("trap","hiphop")]
keys=[("C","C",None),("D","D",None),("E","E",None),("F","F",None),("G","G",None),("A","A",None),("Bb","A#",None),
      ("B flat","A#",None),("F#","F#",None),("Eb","D#",None),("E flat","D#",None),("C sharp","C#",None)]
modes=[(" minor","minor"),(" major","major"),("m","minor"),(" min","minor"),(" maj","major"),("","major")]
tempos=[("at {t}",None),("{t} bpm",None),("{t}bpm",None),("at {t} bpm",None),("around {t}",None),("tempo {t}",None),
        ("{t} beats per minute",None),("~{t} bpm",None),("at a tempo of {t}",None)]
bars=[("16 bars",16),("for 8 bars",8),("eight bars long",8),("4 bars",4),("twelve bars",12)]
verbs=["give me a {b}","make a {b}","lay down a {b}","cook up a {b}","whip up a {b}","I want a {b}","can I get a {b}?",
       "play me a {b}","let's have a {b}","I need a {b}","could you make a {b}?","throw on a {b}","generate a {b}",
       "build me a {b}","put on a {b}","start a {b}","create a {b}","{b} please","new {b}","how about a {b}"]
nouns=["backing","beat","groove","backing track","track","instrumental","jam","vamp"]
cases=[]
seen=set()
B=lambda a:[{"tool":"backing_generate","args":a}]
while len(cases)<300:
    st,sid=random.choice(styles); k,kid,_=random.choice(keys); m,mid=random.choice(modes)
    t=random.choice([72,80,90,96,104,110,120,128]); tp,_=random.choice(tempos); br,bn=random.choice(bars)
    noun=random.choice(nouns)
    parts={"style":random.random()<0.85,"key":random.random()<0.75,"tempo":random.random()<0.7,"bars":random.random()<0.3}
    desc=[]; args={}
    if parts["style"]: args["style"]=sid
    head=(st+" "+noun) if parts["style"] else noun
    tail=[]
    if parts["key"]:
        keytxt=k+m
        if m=="m" and " " in k: keytxt=k+" minor"; mid="minor"
        tail.append(random.choice(["in "+keytxt,"in the key of "+keytxt,keytxt]))
        args["key"]=kid; args["mode"]=mid
    if parts["tempo"]:
        tail.append(tp.format(t=t)); args["tempo_bpm"]=t
    if parts["bars"]:
        tail.append(br); args["bars"]=bn
    random.shuffle(tail)
    sep=random.choice([" ",", "])
    body=head+(" "+sep.join(tail) if tail else "")
    req=random.choice(verbs).format(b=body)
    if req in seen or not args: continue
    seen.add(req)
    cases.append({"family":"grid30.b","split":"dev","tags":["grid"],"request":req,"start":{},"expect":B(args)})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
