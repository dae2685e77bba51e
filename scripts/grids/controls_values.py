#!/usr/bin/env python3
"""Grid of requests (controls values): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
C=[
 # tool, arg, names, start, kind
 ("voice_modulate","reverb",["reverb","the reverb","verb"],0.4,"unit"),
 ("voice_modulate","breathiness",["breath","breathiness","the air"],0.4,"unit"),
 ("voice_modulate","whisper",["whisper","the whisper effect"],0.4,"unit"),
 ("voice_modulate","warmth",["warmth","the warmth"],0.4,"unit"),
 ("voice_modulate","presence",["presence","the presence"],0.4,"unit"),
 ("voice_modulate","compression",["compression","the compressor","comp"],0.4,"unit"),
 ("voice_modulate","robot",["robot","the robot effect"],0.4,"unit"),
 ("voice_modulate","mix",["effect mix","dry/wet","the wet/dry mix"],0.6,"unit"),
 ("voice_tune","amount",["tuning amount","correction strength","autotune amount"],0.6,"unit"),
 ("voice_tune","humanize",["humanize","humanise"],0.3,"unit"),
 ("voice_tune","vibrato",["vibrato","the vibrato"],0.5,"unit"),
 ("voice_harmony","level",["harmony level","harmony volume","the harmonies' level"],0.5,"unit"),
 ("voice_harmony","spread",["harmony spread","the spread of the harmonies"],0.5,"unit"),
 ("mix_control","output_gain_db",["output","output gain","my output level"],-3.0,"db"),
 ("mix_control","backing_level_db",["backing level","backing volume","the beat's volume"],-12.0,"db"),
 ("voice_modulate","pitch_semitones",["pitch","pitch shift"],3.0,"st"),
 ("voice_modulate","formant_semitones",["formant","formant shift"],2.0,"st"),
]
PID={"reverb":"mod_reverb","breathiness":"mod_breath","whisper":"mod_whisper","warmth":"mod_warmth","presence":"mod_presence","compression":"mod_compression","robot":"mod_robot","mix":"mod_mix","amount":"tune_amount","humanize":"tune_humanize","vibrato":"tune_vibrato","level":"harmony_level","spread":"harmony_spread","output_gain_db":"output_gain","backing_level_db":"backing_level","pitch_semitones":"mod_pitch","formant_semitones":"mod_formant"}
def r(lo,hi): return {"min":round(lo,4),"max":round(hi,4)}
cases=[]
def add(tool,arg,name,t,req,start,exp,extra_start=None):
    st={PID[arg]:start}
    if tool=="voice_harmony": st["harmony_voices"]=2
    if arg=="backing_level_db": st["backing_enabled"]=True
    c={"family":f"grid.{arg}.{t}","split":"dev","tags":["grid"],"request":req,"start":st}
    if exp=="get_state": c["expect"]=[{"tool":"get_state","args":{}}]
    elif exp=="reply": c["answer"]="reply"
    else: c["expect"]=[{"tool":tool,"args":{arg:exp}}]
    cases.append(c)
for tool,arg,names,s,kind in C:
    for n in names:
        if kind=="unit":
            T=[("set","set the %s to 35%%"%n,r(.34,.36)),("bare","%s 35%%"%n,r(.34,.36)),("at","%s at 35 percent"%n,r(.34,.36)),
               ("polite","can you put the %s at 35%%?"%n,r(.34,.36)),("more","more %s"%n,r(s+.01,1)),("less","less %s"%n,r(0,s-.01)),
               ("little_more","a little more %s"%n,r(s+.01,s+.25)),("way_less","way less %s"%n,r(0,s-.1)),("turn_up","turn the %s up"%n,r(s+.01,1)),
               ("turn_down_bit","turn the %s down a bit"%n,r(max(0,s-.25),s-.01)),("no","no %s"%n,r(0,.05)),("off","%s off"%n,r(0,.05)),
               ("double","double the %s"%n,r(2*s-.05,2*s+.05)),("halve","halve the %s"%n,r(s/2-.05,s/2+.05)),("max","%s all the way up"%n,r(.95,1)),
               ("up10","%s up 10%%"%n,r(s+.09,s+.11)),("down10","bring the %s down by 10%%"%n,r(s-.11,s-.09)),("state","what's my %s at?"%n,"get_state"),
               ("meaning","what does the %s do?"%n,"reply"),("too_much","there's too much %s"%n,r(0,s-.01)),("not_enough","not enough %s"%n,r(s+.01,1)),
               ("keep","keep the %s where it is but add more reverb"%n if arg!="reverb" else "more reverb please",None)]
        elif kind=="db":
            T=[("set","set the %s to -6 dB"%n,r(-6.1,-5.9)),("bare","%s -6dB"%n,r(-6.1,-5.9)),("up3","%s up 3 dB"%n,r(s+2.9,s+3.1)),
               ("down3","bring the %s down 3 dB"%n,r(s-3.1,s-2.9)),("turn_up","turn the %s up"%n,r(s+.5,s+12)),("turn_down","turn the %s down"%n,r(s-24,s-.5)),
               ("bit_lower","%s a bit lower"%n,r(s-4,s-.5)),("louder","make the %s louder"%n,r(s+.5,s+12)),("quieter","%s quieter please"%n,r(s-24,s-.5)),
               ("minus2","%s minus 2 dB"%n,r(s-2.1,s-1.9)),("state","what's my %s at?"%n,"get_state")]
        else:
            T=[("set","set the %s to -4 semitones"%n,r(-4,-4)),("plus5","%s +5"%n,r(5,5)),("reset","reset the %s"%n,r(0,0)),
               ("back_zero","%s back to zero"%n,r(0,0)),("one_higher","%s one semitone higher than now"%n,r(s+1,s+1)),("one_lower","%s one semitone lower than it is"%n,r(s-1,s-1)),
               ("halve","halve the %s"%n,r(s/2-.5,s/2+.5)),("up2","%s up 2 more semitones"%n,r(s+2,s+2)),("state","what's my %s at?"%n,"get_state"),("meaning","what does the %s do?"%n,"reply")]
        for t,req,exp in T:
            if exp is None: continue
            if isinstance(exp,dict) and exp["min"]>exp["max"]: continue
            if t=="double" and 2*s>1: continue
            add(tool,arg,n,t,req,s,exp)
json.dump({"_about":"temporary grid, not committed","cases":cases},open("/work/main/tests/data/requests/zz_grid.json","w"),indent=0)
print(len(cases))
