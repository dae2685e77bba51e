#!/usr/bin/env python3
"""Grid of requests (retune and tempo): the everyday ways to make the correction faster or
slower (where faster is fewer milliseconds) and the backing's tempo faster or slower, with
sizes: templates x musicians' words, written by hand, never read from the parser's tables. A
diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, sys
R=lambda lo,hi:{"min":lo,"max":hi}
BK={"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8}
st={"tune_retune_ms":60,"tune_enabled":True,"backing":BK,"backing_enabled":True}
faster=["faster retune","retune faster","speed up the retune","snappier tuning","tighter tuning","more robotic tuning",
  "harder tune","make the autotune more aggressive","quicker correction","less glide on the tuning","more snap on the tuning",
  "make the tuning more obvious","correction faster please","lower the retune time","shorter retune","decrease the retune time",
  "reduce the retune ms","the tuning is too slow","the autotune is too lazy","tune me harder","faster pitch correction",
  "make the autotune snap quicker","more obvious autotune","less natural tuning","the correction reacts too slowly"]
slower=["slower retune","retune slower","more natural tuning","smoother tuning","looser tuning","gentler correction",
  "less robotic tuning","subtler tuning","relax the tuning","loosen the autotune","more glide on the tuning","softer tune",
  "make the tuning less obvious","longer retune","increase the retune time","more transparent correction",
  "let the tuning glide more","the autotune is too robotic","the tuning is too hard","tone down the autotune effect",
  "slow down the retune","less aggressive autotune","make the correction less noticeable","more human tuning",
  "the correction is too fast"]
tfaster=["faster","speed it up","pick up the pace","make the beat faster","push the tempo","tempo up","up the tempo",
  "a few bpm faster","more bpm","the beat is too slow","speed up the track","quicker tempo","increase the tempo",
  "raise the bpm","the backing drags","make the track go faster","tempo a bit higher","bump the tempo",
  "more uptempo","can the beat be quicker?"]
tslower=["slower","slow it down","bring the tempo down","make the beat slower","drop the tempo","tempo down",
  "a few bpm slower","less bpm","the beat is too fast","slow down the track","slower tempo","decrease the tempo",
  "lower the bpm","the backing rushes","make the track go slower","tempo a bit lower","ease the tempo back",
  "more laid back tempo","can the beat be slower?","take the tempo down a notch"]
sizes=[("",None),("a bit ","small"),("way ","big")]
cases=[]
def add(fam,req,tool,arg,r):
    cases.append({"family":fam,"split":"dev","tags":["grid","relative"],"request":req,"start":st,"expect":[{"tool":tool,"args":{arg:r}}]})
for i,t in enumerate(faster): add(f"grid28.rf.{i}",t,"voice_tune","retune_ms",R(0,59))
for i,t in enumerate(slower): add(f"grid28.rs.{i}",t,"voice_tune","retune_ms",R(61,400))
for i,t in enumerate(tfaster): add(f"grid28.tf.{i}",t,"backing_generate","tempo_bpm",R(101,160))
for i,t in enumerate(tslower): add(f"grid28.ts.{i}",t,"backing_generate","tempo_bpm",R(60,99))
# sizes on a few plain ones
for pre,sz in sizes[1:]:
    for t,tool,arg,r in [("{p}faster retune","voice_tune","retune_ms",R(40,58) if sz=="small" else R(0,35)),
                         ("retune {p}slower","voice_tune","retune_ms",R(62,90) if sz=="small" else R(90,400)),
                         ("make the tuning {p}more natural","voice_tune","retune_ms",R(62,90) if sz=="small" else R(90,400)),
                         ("{p}faster tempo","backing_generate","tempo_bpm",R(101,110) if sz=="small" else R(115,160)),
                         ("make the beat {p}slower","backing_generate","tempo_bpm",R(90,99) if sz=="small" else R(60,88))]:
        add("grid28.size",t.format(p=pre),tool,arg,r)
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
