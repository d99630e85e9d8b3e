"""Class sessions: a lecturer's run followed live by a lecture hall, with questions.

* :mod:`.codes`: the class code (6 characters that read aloud, the first names the replica);
* :mod:`.bounds`: every limit of a class, stated once (the README's "Class sessions" table);
* :mod:`.questions`: a question (quick, or one of the lesson's), its answers and their tally;
* :mod:`.model`: a class (its followers and questions), the process's classes, and the
  fan-out of the lecturer's frames;
* :mod:`.copy`: *Take a copy* (the lecturer's run as a run file); :mod:`.qr`: the QR code;
* :mod:`.endpoint`: the class's WebSocket ``/bp/class/ws?class=CODE`` (followers and answers);
* :mod:`.lecturer_ui`, :mod:`.student_ui`: the two sides of the Playground page.

The lecturer's :class:`~lab_ui.live.channel.LiveSession` builds one frame per turn; the class
sends that same frame to each follower with the follower's own
:class:`~lab_ui.live.frame.ClientState`, so a follower costs a send, not a frame.
"""
