#!/usr/bin/env python3
"""Grid of requests (listen): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
U=lambda t,a:[{"tool":t,"args":a}]
C=[
("how was that take?","pitch"),("was I sharp?","pitch"),("did I hit the notes?","pitch"),("am I flat?","pitch"),("rate my pitch","pitch"),("analyze my singing","pitch"),("take report please","pitch"),("how in tune was I","pitch"),("was my pitch ok on that one?","pitch"),("check my intonation","pitch"),("give me a report on my last take","pitch"),("was I on key?","pitch"),
("detect my key","key"),("what key am I singing in?","key"),("find the key of my melody","key"),("which key is my song in, by ear","key"),("what scale is this melody","key"),("listen and tell me the key","key"),("guess my key","key"),("what's the key of what I just sang?","key"),
]
cases=[{"family":"grid22.l","split":"dev","tags":["grid"],"request":r,"start":{},"expect":U("listen",{"about":a})} for r,a in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
