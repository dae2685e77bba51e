#!/usr/bin/env python3
"""Grid of requests (speech): templates x musicians' words, written by hand, never read from the
parser's tables. A diagnostic kept out of the corpus: see scripts/grids/run.sh."""
import json, os, random, sys, itertools
C=[
("say hello world","hello world"),("say “welcome back”","welcome back"),("read this: the show starts now","the show starts now"),("speak: one two three four","one two three four"),("announce 'last song of the night'","last song of the night"),("can you say 'thank you all'","thank you all"),("text to speech: see you soon","see you soon"),("voice over: coming up next","coming up next"),("narrate this line: once upon a time","once upon a time"),("make it say good morning","good morning"),("say the words let's go","let's go"),("please read out loud: chorus in two","chorus in two"),("tts: testing testing","testing testing"),("say 'ready' then start the beat","ready"),("i want you to say we are live","we are live"),
]
cases=[{"family":"grid23.s","split":"dev","tags":["grid"],"request":r,"start":{},"expect":[{"tool":"voice_speak","args":{"text":{"contains":t}}}]+([{"tool":"mix_control","args":{"backing":True}}] if "start the beat" in r else [])} for r,t in C]
json.dump({"_about":"temporary grid, not committed","cases":cases},open(sys.argv[1],"w"),indent=0)
print(len(cases))
