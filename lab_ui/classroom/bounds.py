"""Every limit of a class session, stated once (the README's "Class sessions" table reads the
same numbers; ``tests/test_classroom.py`` checks that it does)."""

from __future__ import annotations

#: Students a class takes at most (a setting: the Playground's "Start a class" uses it).
MAX_STUDENTS = 500
#: Classes one process holds at once.
MAX_CLASSES = 8
#: Questions a class asks at most (the lecturer's list of questions with their tallies).
MAX_QUESTIONS = 50
#: A class ends this long after its lecturer was last seen (a page run or a frame).
LECTURER_GONE_S = 4 * 3600.0
#: The lecturer's screen counts as not painting (its tab hidden) when it has taken none of the
#: frames sent to it for this long (seconds); the followers' acknowledgements then pace the
#: frames (a screen that paints takes one every 17 ms at 60 Hz).
LECTURER_STALL_S = 0.5
#: How often (seconds) the classes are looked at: a lecturer's screen gone away or back is
#: said to the students, and a class whose lecturer has been gone too long is ended.
WATCH_S = 2.0
#: Answers a student may send: this many a second, sustained, and this many at once.
ANSWER_RATE = 2.0
ANSWER_BURST = 5
#: Take a copy: this many a second per student, and at once.
COPY_RATE = 0.2
COPY_BURST = 2
#: A copy's run file at most (bytes); a larger run is refused with a sentence.
MAX_COPY_BYTES = 8_000_000
#: Failed joins (no such class, a malformed code) per browser tab (its anonymous id, sent
#: with the join; a join without one counts as one tab of its address): this many a second,
#: sustained, and this many at once; beyond it that tab's joins wait, so one student's typos
#: hold back that student only.
JOIN_FAIL_RATE = 0.2
JOIN_FAIL_BURST = 10
#: Failed joins per client address, all its tabs together (a lecture hall behind one NAT
#: address is one address): this many a second, sustained, and this many at once; beyond it
#: every join from that address waits.  This bounds how fast codes can be guessed, whatever
#: tab ids a guesser makes up: 31⁵ ≈ 29 million codes per replica, so at 2 a second one
#: address needs about 84 days to try half of them (a replica holds at most MAX_CLASSES).
JOIN_FAIL_ADDRESS_RATE = 2.0
JOIN_FAIL_ADDRESS_BURST = 100
#: Client addresses, and tabs, whose failed joins are remembered at once (each; the oldest
#: forgotten first).
MAX_ADDRESSES = 4096
#: Bytes of one message on the class socket at most.
MAX_MESSAGE = 256
#: Characters of a quick question's text, and of each of its choices.
MAX_TEXT = 200
MAX_CHOICE = 60
#: |number| an answer to a number question may have.
MAX_NUMBER = 1e9

__all__ = [
    "WATCH_S",
    "ANSWER_BURST",
    "ANSWER_RATE",
    "COPY_BURST",
    "COPY_RATE",
    "JOIN_FAIL_ADDRESS_BURST",
    "JOIN_FAIL_ADDRESS_RATE",
    "JOIN_FAIL_BURST",
    "JOIN_FAIL_RATE",
    "LECTURER_GONE_S",
    "LECTURER_STALL_S",
    "MAX_ADDRESSES",
    "MAX_CHOICE",
    "MAX_CLASSES",
    "MAX_COPY_BYTES",
    "MAX_MESSAGE",
    "MAX_NUMBER",
    "MAX_QUESTIONS",
    "MAX_STUDENTS",
    "MAX_TEXT",
]
