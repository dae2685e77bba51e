#!/usr/bin/env python3
"""Grid of requests (intents titles notes): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
C=[
# song intents
("new song called Northern Lights",U("intent_new",{"title":"Northern Lights"})),
("start a new song intent titled 'Salt Water'",U("intent_new",{"title":"Salt Water"})),
("I'm writing a song called Empty Rooms about my divorce",U("intent_new",{"title":"Empty Rooms","core_event":{"contains":"divorce"}})),
("new intent: 'Run', about leaving my hometown, mood is liberation",U("intent_new",{"title":"Run","core_event":{"contains":"hometown"},"mood_primary":"Liberation"})),
("song intent 'Quiet Hours', the feeling is longing",U("intent_new",{"title":"Quiet Hours","mood_primary":"Longing"})),
("create a song named 'Fireflies', it's about my first summer in love, joyful",U("intent_new",{"title":"Fireflies","mood_primary":"Joy"})),
("make a plan from my song intent",U("intent_process",{})),
("process my intent",U("intent_process",{})),
("turn the intent into a song plan",U("intent_process",{})),
# names
("give me 5 titles for a song about the ocean",U("name_suggest",{"count":5,"mood":{"contains":"ocean"}})),
("name ideas for a breakup song",U("name_suggest",{"mood":{"contains":"breakup"}})),
("what should I call my song about insomnia?",U("name_suggest",{"mood":{"contains":"insomnia"}})),
("3 song title ideas, theme: summer nights",U("name_suggest",{"count":3,"mood":{"contains":"summer"}})),
("suggest a title",U("name_suggest",{})),
("help me name this track, it's about my dog",U("name_suggest",{"mood":{"contains":"dog"}})),
# notes
("only tune to the notes A C D E G",U("voice_tune",{"notes":"A C D E G"})),
("just snap to C E and G",U("voice_tune",{"notes":"C E G"})),
("don't tune to F",U("voice_tune",{"drop_notes":"F"})),
("skip the B when tuning",U("voice_tune",{"drop_notes":"B"})),
("remove C# from the notes",U("voice_tune",{"drop_notes":"C#"})),
("add Bb back to the notes",U("voice_tune",{"add_notes":"A#"})),
("allow the F# too",U("voice_tune",{"add_notes":"F#"})),
("use all the notes of the scale again",U("voice_tune",{"notes":{"min":0,"max":99999}})),
# follow chords scale
("follow the chords but keep the scale notes",U("voice_tune",{"follow_chords":"chord_and_scale"})),
("chord tones only",U("voice_tune",{"follow_chords":"chord_tones"})),
("follow chords with scale notes allowed",U("voice_tune",{"follow_chords":"chord_and_scale"})),
# speech profiles
("say 'welcome' with the ethereal voice",U("voice_speak",{"text":{"contains":"welcome"},"profile":"guide_ethereal"})),
("read 'one more time' in the powerful voice",U("voice_speak",{"text":{"contains":"one more time"},"profile":"guide_powerful"})),
("narrate: the night is young",U("voice_speak",{"text":{"contains":"the night is young"},"profile":"narrator_neutral"})),
("speak softly: I'm still here",U("voice_speak",{"text":{"contains":"still here"},"profile":"guide_vulnerable"})),
("speak 'go' confidently",U("voice_speak",{"text":{"contains":"go"},"profile":"guide_confident"})),
# harmony midi
("harmonies from my midi keyboard",U("voice_harmony",{"mode":"midi"})),
("let the harmonies follow the notes I play on midi",U("voice_harmony",{"mode":"midi"})),
("harmony in chord mode",U("voice_harmony",{"mode":"chord"})),
("harmonies in key, diatonic",U("voice_harmony",{"mode":"diatonic"})),
]
cases=[{"family":"grid9.x","split":"dev","tags":["grid"],"request":r,"start":{"harmony_voices":2,"backing":{"key":"C","mode":"major","tempo_bpm":100,"style":"pop","bars":8},"backing_enabled":True},"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
