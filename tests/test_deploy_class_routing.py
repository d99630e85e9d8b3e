"""A class's socket reaches the process that owns the class, through nginx (deploy/).

A class code's first character names the process that owns the class (``ALPHABET[i]`` for
the process started with ``BACKPROP_LAB_REPLICA=i``, ``lab_ui/classroom/codes.py``), and
``deploy/nginx.conf.template`` routes ``/bp/class/…?class=CODE`` on it, whatever the route
cookie says.  Two tests:

* the configuration alone: ``deploy/run_cluster.py``'s config for three processes, checked
  with ``nginx -t`` and run in front of three stand-in servers (one small WebSocket server
  per process, each answering which process it is), so the routing is checked without the
  app: every code reaches its own process from every route cookie, in either case; a code
  that names no process, and a missing code, get nginx's plain-text answer and reach no
  process; a class's owner that is down gives a 502, never another process;
* the real thing (``test_class_across_two_replicas``): two replicas of the app behind nginx
  (``deploy.run_cluster.Cluster``); a lecturer on process 1 (Streamlit's own protocol, as a
  browser speaks it: ``bench/streamlit_client.py``) starts a class, plays and asks; students
  whose pages are on process 1 and on process 2 open the class socket through nginx, follow
  the lecturer's frames and answer; every answer is counted, everyone sees the reveal, and
  nginx's log shows every class socket on process 1.  It skips (with the reason) only while
  ``lab_ui/classroom/endpoint.py`` is missing.

Without nginx these skip with the reason, except under ``CI=true`` (``.ci/run`` installs
nginx), where they must run.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus

from deploy.run_cluster import LOOPBACK, class_alphabet, free_port, render_config
from tests.deploy_standins import (
    Nginx,
    StandIns,
    get,
    nginx_check,
    nginx_or_skip,
    open_socket,
)

PROCESSES = 3


@pytest.fixture(scope="module")
def routed(tmp_path_factory) -> Iterator[tuple[str, StandIns, Path]]:
    """nginx with the rendered config in front of three stand-ins: (url, stand-ins, config)."""
    nginx = nginx_or_skip()
    run_dir = tmp_path_factory.mktemp("bp-class-routing")
    (run_dir / "tmp").mkdir()
    stand_ins = StandIns([(LOOPBACK, free_port()) for _ in range(PROCESSES)]).start()
    port = free_port()
    conf = run_dir / "nginx.conf"
    conf.write_text(render_config(port, stand_ins.ports, run_dir))
    proxy = Nginx(nginx, conf, run_dir, port)
    try:
        check = nginx_check(nginx, conf, run_dir)
        assert check.returncode == 0, check.stderr
        proxy.start()
        yield proxy.url, stand_ins, conf
    finally:
        proxy.stop()
        stand_ins.stop()


def _alphabet() -> str:
    return class_alphabet()


def _code(first: str) -> str:
    """A well-formed code whose first character is ``first`` (the rest from the alphabet)."""
    return first + _alphabet()[-5:]


def test_every_code_reaches_its_process_whatever_the_cookie(routed):
    url, stand_ins, _conf = routed
    alphabet = _alphabet()
    for i in range(1, PROCESSES + 1):
        for first in (alphabet[i], alphabet[i].lower()):
            code = _code(first)
            for cookie in (None, *(f"bp_route={j}" for j in range(1, PROCESSES + 1))):
                path = f"/bp/class/ws?class={code}"
                msg, set_cookies = open_socket(url, path, cookie)
                assert msg == {"process": i, "path": path}, (code, cookie, msg)
                # the class socket never moves the browser's page to another process
                assert not [c for c in set_cookies if c.startswith("bp_route=")], set_cookies


def test_pages_still_follow_the_route_cookie(routed):
    url, _stand_ins, _conf = routed
    for j in range(1, PROCESSES + 1):
        status, headers, body = get(url, "/", f"bp_route={j}")
        assert (status, body) == (200, f"process {j}\n")
        assert headers.get("set-cookie", "").startswith(f"bp_route={j};")
        # a class link (the page, /?class=CODE) is an ordinary page: the cookie decides
        status, _headers, body = get(url, f"/?class={_code(_alphabet()[1])}", f"bp_route={j}")
        assert (status, body) == (200, f"process {j}\n")


def test_a_code_that_names_no_process_is_refused_by_nginx(routed):
    url, stand_ins, _conf = routed
    alphabet = _alphabet()
    before = stand_ins.counts()
    # alphabet[0] is a single process's letter (no process here has it); 0, O, 1, I and l
    # are in no code; an empty code and no code at all.
    for query, status in [
        (f"class={_code(alphabet[0])}", 404),
        (f"class={_code(alphabet[PROCESSES + 1])}", 404),
        ("class=0BCDEF", 404),
        ("class=OBCDEF", 404),
        ("class=%42CDEFG", 404),
        ("class=", 400),
        ("", 400),
        ("klass=BCDEFG", 400),
    ]:
        got, headers, body = get(url, f"/bp/class/ws?{query}", "bp_route=1")
        assert got == status, (query, got, body)
        assert headers["content-type"].startswith("text/plain"), headers
        assert "class" in body and "code" in body, body
        assert "set-cookie" not in headers
        # nginx's own answer: its strict fallback headers (deploy/nginx.conf.template, 5.)
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'self'"
        assert headers["x-content-type-options"] == "nosniff"
        with pytest.raises(InvalidStatus) as err:
            open_socket(url, f"/bp/class/ws?{query}", "bp_route=1")
        assert err.value.response.status_code == status
    assert stand_ins.counts() == before


def test_config_checks_and_names_one_group_per_process(routed, tmp_path):
    _url, stand_ins, conf = routed
    text = conf.read_text()
    alphabet = _alphabet()
    for i, port in enumerate(stand_ins.ports, 1):
        group = text.split(f"upstream bp_class_{i} {{", 1)[1].split("}", 1)[0]
        # the owner only: no backup (another process does not know the class)
        assert f"server {LOOPBACK}:{port} " in group and "backup" not in group
        assert f'"~*^{alphabet[i]}" bp_class_{i};' in text
    assert f"bp_class_{PROCESSES + 1}" not in text
    block = text.split("location /bp/class/ {", 1)[1].split("\n        }\n", 1)[0]
    for line in (
        "proxy_set_header Host $http_host;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_read_timeout 3600s;",
        "proxy_pass http://$bp_class_upstream;",
    ):
        assert line in block
    assert "add_header" not in block  # it inherits the server's headers (5. in the template)
    # more processes than letters: refused in words
    with pytest.raises(ValueError, match="at most"):
        render_config(8080, list(range(9000, 9000 + len(alphabet))), tmp_path)


def test_a_class_whose_process_is_down_is_not_sent_elsewhere(routed):
    # last: it stops stand-in 2
    url, stand_ins, _conf = routed
    stand_ins.stop_one(2)
    before = stand_ins.counts()
    status, _headers, _body = get(url, f"/bp/class/ws?class={_code(_alphabet()[2])}")
    assert status == 502
    assert stand_ins.counts() == before
    # its pages, though, fail over to a live process (the route groups' backups)
    status, _headers, body = get(url, "/", "bp_route=2")
    assert status == 200 and body in ("process 1\n", "process 3\n")


# -- the real thing: two replicas, one class ------------------------------------------------

STUDENTS_PER_REPLICA = 2
E2E_TIMEOUT_S = 120.0
FRAME_TIMEOUT_S = 20.0


def _class_module_or_skip() -> None:
    """The class socket (lab_ui/classroom/endpoint.py) is what this test drives."""
    import importlib.util

    if importlib.util.find_spec("lab_ui.classroom.endpoint") is None:
        pytest.skip("lab_ui/classroom/endpoint.py (the class socket) is not there yet")


async def _until(client, want, what: str) -> dict:
    """Frames and messages of ``client`` until ``want(head)``; that header."""
    while True:
        head = await client.next_frame(FRAME_TIMEOUT_S)
        if head is None:
            raise AssertionError(f"closed ({client.stats.close_code}) while waiting for {what}")
        if want(head):
            return head


def _question(head: dict) -> dict | None:
    part = head.get("class") if head.get("t") == "frame" else None
    return part.get("question") if part else None


async def _one_class(url: str) -> dict:
    """A lecturer on process 1 starts a class and asks; students on both processes follow
    through the class socket, answer, and see the reveal."""
    from bench.streamlit_client import LiveClient, StreamlitSession

    lecturer = StreamlitSession(url)
    lecturer.cookies.values["bp_route"] = "1"  # the lecturer's browser is on process 1
    students: list[LiveClient] = []
    pages: list[StreamlitSession] = []
    projector: list[dict] = []
    follow_task = None
    done = asyncio.Event()
    try:
        token = await lecturer.open()
        live = LiveClient(lecturer, fps_cap=None)
        assert await live.hello(token) is not None
        run = await lecturer.click("Start a class")
        assert not run.exceptions, run.exceptions
        codes = [m for body in run.html for m in re.findall(r'bp-class-code">(\w{6})<', body)]
        assert len(codes) == 1, run.html
        code = codes[0]
        await live.play()

        async def follow() -> None:  # the projector: the lecturer's own frames
            while not done.is_set() and (head := await live.next_frame(FRAME_TIMEOUT_S)):
                if head.get("t") == "frame" and head.get("class"):
                    projector.append(head["class"])

        follow_task = asyncio.create_task(follow())

        routes = [str(r) for r in (1, 2) for _ in range(STUDENTS_PER_REPLICA)]
        firsts, follow_data = [], []
        for n, route in enumerate(routes):
            # a student's browser opens the class link; its page is on process `route`
            page = StreamlitSession(url, query_string=f"class={code}")
            pages.append(page)
            page.cookies.values["bp_route"] = route
            await page.open(token=False)
            assert not page.run.exceptions, page.run.exceptions
            data = page.run.live_data  # the follower's view: where its class socket is
            follow_data.append(data)
            student = LiveClient(page, fps_cap=None, path="/" + data["ws"])
            students.append(student)
            first = await student.hello(f"student-{n}-{secrets.token_hex(8)}", FRAME_TIMEOUT_S)
            firsts.append(first)

        run = await lecturer.click("Ask the class")
        assert not run.exceptions, run.exceptions
        asked = [
            await _until(s, lambda h: (_question(h) or {}).get("open"), "the question")
            for s in students
        ]
        qid = _question(asked[0])["id"]
        taken = []
        for n, s in enumerate(students):
            await s.send({"t": "answer", "q": qid, "a": n % 2})
            taken.append(await _until(s, lambda h: h.get("t") == "you", "the answer taken"))
        tally = await _until(
            students[0],
            lambda h: (_question(h) or {}).get("answers") == len(students),
            "the tally",
        )
        run = await lecturer.click("Reveal")
        assert not run.exceptions, run.exceptions
        reveals = [
            await _until(s, lambda h: (_question(h) or {}).get("reveal"), "the reveal")
            for s in students
        ]
        return {
            "code": code,
            "routes": routes,
            "firsts": firsts,
            "follow_data": follow_data,
            "qid": qid,
            "taken": taken,
            "tally": _question(tally),
            "reveals": [_question(h)["reveal"] for h in reveals],
            "frames": [s.stats.frames for s in students],
            "epochs": [(s.stats.first_epoch, s.stats.last_epoch) for s in students],
            "playing": [s.stats.playing_seen for s in students],
            "projector": projector[-1] if projector else None,
        }
    finally:
        if follow_task is not None:
            # a flag, not only cancel(): Python 3.11's asyncio.wait_for (in next_frame) can
            # lose a cancellation that comes as its frame does, and the lecturer's frames
            # never stop (the follow loop then ran until the whole test's timeout)
            done.set()
            follow_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(follow_task, FRAME_TIMEOUT_S + 5)
        for s in students:
            await s.close()
        for page in pages:
            await page.close()
        await lecturer.close()


def test_class_across_two_replicas(cluster):
    _class_module_or_skip()
    # its own thread and event loop: the browser tests' Playwright may run a loop in this
    # one; a daemon thread, waited for with a bound, so that a class run that never ends
    # fails this test instead of holding the test process (and CI) at its exit
    box: dict = {}

    def run() -> None:
        try:
            box["out"] = asyncio.run(asyncio.wait_for(_one_class(cluster.url), E2E_TIMEOUT_S))
        except BaseException as err:  # noqa: BLE001 - raised again in the test's thread
            box["err"] = err

    thread = threading.Thread(target=run, daemon=True, name="class-e2e")
    thread.start()
    thread.join(E2E_TIMEOUT_S + 30)
    assert not thread.is_alive(), f"the class run did not end within {E2E_TIMEOUT_S + 30:g} s"
    if "err" in box:
        raise box["err"]
    out = box["out"]
    print("\nCLASS E2E", {k: v for k, v in out.items() if k not in ("firsts", "follow_data")})
    alphabet = _alphabet()
    n = len(out["routes"])
    # The lecturer's process is process 1: its class's code starts with ALPHABET[1].
    assert out["code"][0] == alphabet[1], out["code"]
    # Every student's page, on either process, is the class's follower view, which sends
    # the browser to the class socket.
    for data in out["follow_data"]:
        assert data["follow"] == {"code": out["code"]}
        assert data["ws"] == f"bp/class/ws?class={out['code']}"
    # Every student, whichever process its page is on, follows: frames with the class part.
    for first in out["firsts"]:
        assert first is not None and first["t"] == "frame", first
        assert first["class"]["code"] == out["code"]
    assert all(frames >= 3 for frames in out["frames"]), out["frames"]
    # ... of the lecturer's run as it plays: the epoch advances on every student's screen
    assert all(out["playing"]), out["playing"]
    assert all(last > first for first, last in out["epochs"]), out["epochs"]
    # Every answer was taken and counted; all saw the reveal, with all the answers in it.
    assert [t["q"] for t in out["taken"]] == [out["qid"]] * n
    assert out["tally"]["answers"] == n and out["tally"]["answers_text"] == f"{n} answers"
    for reveal in out["reveals"]:
        assert sum(reveal["counts"]) == n, reveal
    assert out["projector"] is not None and out["projector"]["code"] == out["code"]
    # nginx sent every class socket to process 1, whatever the student's route cookie said.
    log = cluster.access_log()
    lines = re.findall(
        r'"GET /bp/class/ws\?class=(\w+) HTTP/1.1" (\d+) \d+ up=(\S+) route=(\S*)', log
    )
    assert len(lines) == n, lines
    assert {(c, status, up) for c, status, up, _r in lines} == {
        (out["code"], "101", f"{LOOPBACK}:{cluster.ports[0]}")
    }
    assert {r for *_rest, r in lines} == {"1", "2"}
    # ... while the students' pages (Streamlit's socket) stayed on both processes
    pages = re.findall(r'"GET /\?class=\w+ HTTP/1.1" 200 \d+ up=(\S+) route=', log)
    upstreams = [f"{LOOPBACK}:{port}" for port in cluster.ports]
    assert sorted(pages) == sorted(upstreams * STUDENTS_PER_REPLICA)
