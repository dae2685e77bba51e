#!/usr/bin/env python3
"""Grid of requests (questions): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
terms=["reverb","retune speed","humanize","vibrato","formant","formant shift","the robot effect","whisper","breathiness","warmth","presence","compression","the compressor","dry/wet","the mix knob","harmony spread","chord mode","follow chords","the backing level","the output gain","bypass","pitch correction","autotune","dorian","mixolydian","the blues scale","harmonic minor","a pentatonic scale","a major scale","the hard tune preset","the ethereal preset","the natural preset","sidechain","de-essing","headroom","a formant","vocal fry","falsetto","a key signature","a chord progression","bpm","a bar","swing","syncopation","a semitone","an octave","a cent","pitch drift","latency","EQ"]
meaning=["what does {t} do?","what is {t}?","how does {t} work?","explain {t} to me","what's {t} for?","can you explain {t}?","{t}, what is it?","tell me what {t} means","what does {t} mean?","i don't understand {t}"]
state_terms=[("reverb","mod_reverb"),("retune speed","tune_retune_ms"),("humanize","tune_humanize"),("vibrato","tune_vibrato"),("formant","mod_formant"),("whisper","mod_whisper"),("warmth","mod_warmth"),("compression","mod_compression"),("the backing level","backing_level"),("output gain","output_gain"),("key","tune_key"),("scale","tune_scale"),("pitch shift","mod_pitch"),("harmony voices","harmony_voices")]
stateq=["what's my {t} at?","what is the {t} set to?","how much {t} do I have?","what {t} am I on?","is the {t} high?","where is the {t} now?","check the {t} for me","current {t}?"]
cases=[]
for t in terms:
    for i,m in enumerate(meaning):
        cases.append({"family":f"grid7.meaning.{i}","split":"dev","tags":["grid"],"request":m.format(t=t),"answer":"reply"})
for t,_ in state_terms:
    for i,m in enumerate(stateq):
        cases.append({"family":f"grid7.state.{i}","split":"dev","tags":["grid"],"request":m.format(t=t),"expect":[{"tool":"get_state","args":{}}]})
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
