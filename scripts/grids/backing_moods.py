#!/usr/bin/env python3
"""Grid of requests (backing moods): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
R=lambda lo,hi:{"min":lo,"max":hi}
C=[
("something sad and slow to sing over",U("backing_generate",{"tempo_bpm":R(40,90)})),
("an upbeat happy track",U("backing_generate",{"tempo_bpm":R(100,240)})),
("a dark moody beat",U("backing_generate",{"mode":"minor"})),
("a chill vibe for late night",U("backing_generate",{"tempo_bpm":R(40,100)})),
("energetic party track",U("backing_generate",{"tempo_bpm":R(110,240)})),
("romantic slow jam",U("backing_generate",{"tempo_bpm":R(40,90)})),
("dreamy backing",U("backing_generate",{})),
("epic cinematic music behind me",U("backing_generate",{})),
("give me something to sing over",U("backing_generate",{})),
("I need a beat",U("backing_generate",{})),
("make me some music",U("backing_generate",{})),
("can you play something in E minor",U("backing_generate",{"key":"E","mode":"minor"})),
("a sad song in D minor at 70",U("backing_generate",{"key":"D","mode":"minor","tempo_bpm":70})),
("happy pop in G",U("backing_generate",{"style":"pop","key":"G"})),
("something jazzy",U("backing_generate",{"style":"jazz"})),
("something funky in F",U("backing_generate",{"style":"funk","key":"F"})),
("a rock backing, fast",U("backing_generate",{"style":"rock","tempo_bpm":R(120,240)})),
("slow blues shuffle",U("backing_generate",{"style":"blues","tempo_bpm":R(40,90)})),
("latin groove for salsa",U("backing_generate",{"style":"latin"})),
("a reggae riddim",U("backing_generate",{"style":"reggae"})),
("club banger 128",U("backing_generate",{"style":"edm","tempo_bpm":128})),
("lofi study beat",U("backing_generate",{"style":"lofi"})),
("neo soul chords",U("backing_generate",{"style":"neo_soul"})),
("a ballad with piano",U("backing_generate",{"style":"ballad"})),
("hip hop instrumental in C minor",U("backing_generate",{"style":"hiphop","key":"C","mode":"minor"})),
("make a new backing",U("backing_generate",{})),
("another take of the backing",U("backing_generate",{})),
("regenerate the beat",U("backing_generate",{})),
("different backing, same key",U("backing_generate",{"key":"A"})),
("new groove please",U("backing_generate",{})),
]
st={"backing":{"key":"A","mode":"minor","tempo_bpm":100,"style":"pop","bars":8},"backing_enabled":True}
cases=[{"family":"grid17.b","split":"dev","tags":["grid"],"request":r,"start":st,"expect":e} for r,e in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
