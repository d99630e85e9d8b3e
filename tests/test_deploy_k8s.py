"""The container and Kubernetes files of deploy/ are valid and fit together.

* ``deploy/k8s/*.yaml``: every object validates (strictly: no unknown field) against the
  Kubernetes schemas that ``kubernetes-validate`` ships (offline: the test refuses any
  network connection while it runs), for the oldest and the newest version it knows from
  1.28 on; the objects name each other correctly (Services and their pods, the Ingresses'
  backends, the Secret, the probes on ``/_stcore/health``, the port of the Dockerfile);
* the class router's nginx configuration (its ConfigMap): the same map as the code's
  alphabet (``lab_ui/classroom/codes.py``), ``nginx -t``, and a run in front of three stand-in
  pods found through a stand-in DNS server, as the cluster's DNS would: every code reaches
  the pod its first character names, whatever else; a code that names no pod, or a pod that
  does not exist, never reaches another one;
* ``deploy/Dockerfile`` and ``deploy/docker-entrypoint.sh``: the image's command, user and
  health check, and the replica number the entrypoint derives from a pod's name.  No
  container engine is needed (none runs on the CI machine).

The nginx parts skip without nginx, except under ``CI=true``.
"""

from __future__ import annotations

import fnmatch
import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from websockets.exceptions import InvalidStatus

from deploy.run_cluster import LOOPBACK, class_alphabet, free_port, health
from tests.deploy_standins import (
    DnsStub,
    Nginx,
    StandIns,
    get,
    nginx_check,
    nginx_or_skip,
    open_socket,
)

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
APP_PORT = 8501
HEALTH = "/_stcore/health"


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]


def _all_docs() -> list[dict]:
    return [d for f in sorted(K8S.glob("*.yaml")) for d in _docs(f.name)]


def _one(kind: str, name: str) -> dict:
    found = [d for d in _all_docs() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, (kind, name)
    return found[0]


def _versions() -> list[str]:
    """The oldest (from 1.28) and the newest Kubernetes version the package has schemas for."""
    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    pattern = re.compile(r"v(\d+)\.(\d+)\.(\d+)-local-strict")
    found = sorted(
        tuple(map(int, m.groups())) for p in base.iterdir() if (m := pattern.fullmatch(p.name))
    )
    known = [v for v in found if v >= (1, 28, 0)]
    assert known, f"no schema from 1.28 on in {base}"
    return sorted({".".join(map(str, known[0])), ".".join(map(str, known[-1]))})


def _router_template() -> str:
    return _one("ConfigMap", "backprop-lab-class-router")["data"]["default.conf.template"]


# -- the manifests ----------------------------------------------------------------------


def test_every_object_validates_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("kubernetes-validate tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    docs = _all_docs()
    assert {d["kind"] for d in docs} == {
        "Service",
        "StatefulSet",
        "ConfigMap",
        "Deployment",
        "Ingress",
    }
    for version in _versions():
        for doc in docs:
            kubernetes_validate.validate(doc, version, strict=True)
    # and a mistake is caught (the check is not vacuous)
    bad = _one("StatefulSet", "backprop-lab")
    bad["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, _versions()[0], strict=True)


def test_the_objects_fit_together():
    app = _one("StatefulSet", "backprop-lab")
    pods = app["spec"]["template"]
    labels = pods["metadata"]["labels"]
    headless = _one("Service", app["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"
    service = _one("Service", "backprop-lab")
    for svc in (headless, service):
        assert svc["spec"]["selector"].items() <= labels.items()
        assert svc["spec"]["ports"][0]["port"] == APP_PORT
    assert app["spec"]["selector"]["matchLabels"].items() <= labels.items()

    (c,) = pods["spec"]["containers"]
    assert c["ports"] == [{"name": "http", "containerPort": APP_PORT}]
    for probe in ("readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"] == {"path": HEALTH, "port": "http"}
    # the liveness probe gives up later than the readiness probe
    live, ready = c["livenessProbe"], c["readinessProbe"]
    assert live["periodSeconds"] * live["failureThreshold"] > (
        ready["periodSeconds"] * ready["failureThreshold"]
    )
    assert set(c["resources"]) == {"requests", "limits"}
    assert c["resources"]["requests"]["cpu"] == "1"  # one process uses one core
    env = {e["name"]: e for e in c["env"]}
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": "backprop-lab",
        "key": "cookie-secret",
    }
    assert env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert env["FORWARDED_ALLOW_IPS"]["value"] == "*"  # clients' addresses via the proxies
    assert "BACKPROP_LAB_REPLICA" not in env  # the entrypoint derives it from POD_NAME
    assert pods["spec"]["securityContext"]["runAsUser"] == _dockerfile_uid()

    # the router reaches pods by <StatefulSet name>-<i>.<headless Service>.<namespace>
    router = _one("Deployment", "backprop-lab-class-router")
    (rc,) = router["spec"]["template"]["spec"]["containers"]
    renv = {e["name"]: e for e in rc["env"]}
    assert renv["BP_PODS_DOMAIN"]["value"].startswith(f"{headless['metadata']['name']}.")
    assert renv["BP_APP_PORT"]["value"] == str(APP_PORT)
    assert f"http://{app['metadata']['name']}-$bp_class_pod." in _router_template()
    (volume,) = router["spec"]["template"]["spec"]["volumes"]
    assert volume["configMap"]["name"] == "backprop-lab-class-router"
    assert rc["volumeMounts"][0]["mountPath"] == "/etc/nginx/templates"
    router_svc = _one("Service", "backprop-lab-class-router")
    assert router_svc["spec"]["selector"].items() <= (
        router["spec"]["template"]["metadata"]["labels"].items()
    )

    # the Ingresses: pages with cookie affinity; class sockets to the router, without it
    pages = _one("Ingress", "backprop-lab")
    classes = _one("Ingress", "backprop-lab-class")
    a = pages["metadata"]["annotations"]
    assert a["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert a["nginx.ingress.kubernetes.io/session-cookie-name"] == "bp_route"
    assert "nginx.ingress.kubernetes.io/affinity" not in classes["metadata"]["annotations"]
    for ing in (pages, classes):
        ann = ing["metadata"]["annotations"]
        assert ann["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"
        assert ann["nginx.ingress.kubernetes.io/proxy-send-timeout"] == "3600"
    ((page_path,),) = [r["http"]["paths"] for r in pages["spec"]["rules"]]
    ((class_path,),) = [r["http"]["paths"] for r in classes["spec"]["rules"]]
    assert (page_path["path"], page_path["backend"]["service"]["name"]) == ("/", "backprop-lab")
    assert (class_path["path"], class_path["backend"]["service"]["name"]) == (
        "/bp/class/",
        "backprop-lab-class-router",
    )
    assert page_path["backend"]["service"]["port"]["name"] == "http"
    assert class_path["backend"]["service"]["port"]["name"] == "http"
    assert pages["spec"]["rules"][0]["host"] == classes["spec"]["rules"][0]["host"]


def test_the_router_knows_every_code_character_and_the_proxy_headers():
    text = _router_template()
    listed = re.findall(r'"~\*\^(.)" (\d+);', text)
    assert listed == [(ch, str(i)) for i, ch in enumerate(class_alphabet())]
    # nginx's own answers get the same strict headers as deploy/nginx.conf.template's
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    for name in ("bp_fallback_csp", "bp_fallback_nosniff", "bp_fallback_frame_options"):
        block = re.compile(
            r"map \$upstream_http_content_security_policy \$" + name + r" \{.*?\}", re.S
        )
        ours, theirs = (block.search(s).group(0).split() for s in (text, template))
        assert ours == theirs, name
    # the class location's proxy headers are those of the template's class location
    ours, theirs = (s.split("location /bp/class/ {", 1)[1] for s in (text, template))
    ours, theirs = (s.split("location ", 1)[0] for s in (ours, theirs))  # to the next one
    for line in theirs.splitlines():
        line = line.strip()
        if line.startswith("proxy_set_header") and "X-Forwarded-Proto" not in line:
            assert line in ours, line
    assert "proxy_read_timeout 3600s;" in ours and "proxy_send_timeout 3600s;" in ours


# -- the router, run ------------------------------------------------------------------------


def _envsubst(text: str, env: dict[str, str]) -> str:
    """What the nginx image's templates step does: ``${NAME}`` of the given names only."""
    for name, value in env.items():
        text = text.replace("${" + name + "}", value)
    assert "${" not in text, re.findall(r"\$\{\w+\}", text)
    return text


def _router_conf(run_dir: Path, port: int, env: dict[str, str]) -> Path:
    """The ConfigMap's template, filled in, inside a minimal nginx.conf (as the image's)."""
    server = _envsubst(_router_template(), env)
    assert server.count("listen 8080;") == 1
    server = server.replace("listen 8080;", f"listen {LOOPBACK}:{port};")
    (run_dir / "default.conf").write_text(server)
    user = ""
    if os.geteuid() == 0:
        pw = pwd.getpwuid(os.getuid())
        user = f"user {pw.pw_name} {grp.getgrgid(pw.pw_gid).gr_name};"
    tmp = run_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {run_dir}/nginx.pid;
error_log {run_dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {run_dir}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {run_dir}/default.conf;
}}
"""
    )
    return conf


def test_the_router_sends_each_code_to_its_pod(tmp_path):
    nginx = nginx_or_skip()
    alphabet = class_alphabet()
    domain = "backprop-lab-pods.lecture.svc.cluster.local"
    pods = 3
    app_port = free_port()
    # pod i at 127.0.0.(10 + i), all on the same port, as pods are
    stand_ins = StandIns([(f"127.0.0.{10 + i}", app_port) for i in range(pods)])
    dns = DnsStub({f"backprop-lab-{i}.{domain}": f"127.0.0.{10 + i}" for i in range(pods)})
    port = free_port()
    conf = _router_conf(
        tmp_path,
        port,
        {
            "NGINX_LOCAL_RESOLVERS": f"{LOOPBACK}:{dns.port}",
            "BP_PODS_DOMAIN": domain,
            "BP_APP_PORT": str(app_port),
        },
    )
    check = nginx_check(nginx, conf, tmp_path)
    assert check.returncode == 0, check.stderr
    router = Nginx(nginx, conf, tmp_path, port)
    try:
        stand_ins.start()
        dns.start()
        router.start(probe="/healthz")
        url = router.url
        assert get(url, "/healthz")[0] == 200
        for pod in range(pods):
            for code in (alphabet[pod] + "BCDEF", alphabet[pod].lower() + "bcdef"):
                for cookie in (None, "bp_route=abc", "bp_route=1"):
                    path = f"/bp/class/ws?class={code}"
                    msg, _cookies = open_socket(url, path, cookie)
                    assert msg == {"process": pod + 1, "path": path}, (code, msg)
        before = stand_ins.counts()
        # a pod that does not exist (scaled to 3): 502 from the router, nobody else asked
        status, headers, _body = get(url, f"/bp/class/ws?class={alphabet[pods]}BCDEF")
        assert status == 502
        assert headers["x-content-type-options"] == "nosniff"
        for query, want in [("class=0BCDEF", 404), ("class=", 400), ("", 400)]:
            status, headers, body = get(url, f"/bp/class/ws?{query}")
            assert (status, headers["content-type"][:10]) == (want, "text/plain"), body
            with pytest.raises(InvalidStatus):
                open_socket(url, f"/bp/class/ws?{query}")
        assert get(url, "/")[0] == 404  # it routes class sockets only
        assert stand_ins.counts() == before
        assert f"backprop-lab-{pods}.{domain}" in dns.asked
    finally:
        router.stop()
        dns.stop()
        stand_ins.stop()


# -- the image ------------------------------------------------------------------------------


def _dockerfile() -> str:
    return (ROOT / "deploy" / "Dockerfile").read_text()


def _dockerfile_uid() -> int:
    return int(re.search(r"useradd .*--uid (\d+)", _dockerfile()).group(1))


def test_the_dockerfile_runs_the_app_as_a_user_with_a_health_check():
    text = _dockerfile()
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    assert "RUN pip install -r requirements.txt" in text
    assert "pip install --no-deps -e ." in text
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    check = text.split("\nHEALTHCHECK", 1)[1].split("\n\n", 1)[0]
    assert f"http://127.0.0.1:{APP_PORT}{HEALTH}" in check, check
    assert f"EXPOSE {APP_PORT}" in lines
    cmd = next(ln for ln in lines if ln.startswith("CMD "))
    assert cmd.startswith('CMD ["streamlit", "run", "app.py"')
    for arg in ('"--server.address", "0.0.0.0"', f'"--server.port", "{APP_PORT}"'):
        assert arg in cmd
    assert '"--server.headless", "true"' in cmd
    assert 'ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]' in lines
    # every requirement is a lower bound (the README's install, not a lock)
    for req in (ROOT / "requirements.txt").read_text().splitlines():
        req = req.split("#", 1)[0].strip()
        if req and not req.startswith("-"):
            assert ">=" in req and "==" not in req, req


def test_the_build_context_keeps_what_the_app_needs():
    ignored = [
        ln.strip()
        for ln in (ROOT / ".dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    needed = [
        "app.py",
        "pyproject.toml",
        "README.md",
        "requirements.txt",
        ".streamlit",
        "bp_core",
        "lab_ui",
        "pages",
        "backprop_lab",
        "deploy",
    ]
    for path in needed:
        assert (ROOT / path).exists(), path
        assert path not in ignored, path
    assert ".git" in ignored and "tests" in ignored


@pytest.mark.parametrize(
    ("pod_name", "given", "replica"),
    [
        ("backprop-lab-2", None, "2"),
        ("backprop-lab-0", None, "0"),
        ("backprop-lab-30", None, "30"),
        ("backprop-lab-2", "5", "5"),  # given wins
        ("backprop-lab-7d9f8-x2k4q", None, None),  # a Deployment's pod
        ("backprop-lab-07", None, None),  # not an ordinal
        ("laptop", None, None),
    ],
)
def test_the_entrypoint_takes_the_replica_from_the_pod_name(pod_name, given, replica):
    env = {k: v for k, v in os.environ.items() if k != "BACKPROP_LAB_REPLICA"}
    env["POD_NAME"] = pod_name
    if given is not None:
        env["BACKPROP_LAB_REPLICA"] = given
    show = 'echo "${BACKPROP_LAB_REPLICA-unset}"'
    out = subprocess.run(
        ["sh", str(ROOT / "deploy" / "docker-entrypoint.sh"), "sh", "-c", show],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert out.stdout.strip() == (replica or "unset")
    assert os.access(ROOT / "deploy" / "docker-entrypoint.sh", os.X_OK)


def _context_files() -> list[Path]:
    """The files ``docker build -f deploy/Dockerfile .`` sends (``.dockerignore`` applied)."""
    patterns = [
        ln.strip()
        for ln in (ROOT / ".dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    out = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if not path.is_file():
            continue
        ignored = any(
            fnmatch.fnmatch(str(rel), pat)
            or fnmatch.fnmatch(str(rel), pat.removeprefix("**/"))
            or any(fnmatch.fnmatch(part, pat.removeprefix("**/")) for part in rel.parts)
            or str(rel).startswith(pat.rstrip("/") + "/")
            for pat in patterns
        )
        if not ignored:
            out.append(rel)
    return out


@pytest.mark.slow
def test_the_image_command_runs_from_the_build_context_alone(tmp_path):
    """The image's entrypoint and command, run from a copy of the build context only (what
    the image would hold), as a StatefulSet's pod: Streamlit's health answers."""
    context = tmp_path / "app"
    files = _context_files()
    assert Path("tests/test_deploy_k8s.py") not in files and Path("app.py") in files
    for rel in files:
        (context / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, context / rel)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BACKPROP_LAB_REPLICA"}
    env |= {"POD_NAME": "backprop-lab-1", "PYTHONPATH": str(context), "HOME": str(tmp_path)}
    cmd = ["sh", "deploy/docker-entrypoint.sh", sys.executable, "-m", "streamlit", "run"]
    cmd += ["app.py", "--server.address", LOOPBACK, "--server.port", str(port)]
    cmd += ["--server.headless", "true"]
    with open(tmp_path / "streamlit.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=context, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while health(f"http://{LOOPBACK}:{port}{HEALTH}") != 200:
            assert proc.poll() is None, (tmp_path / "streamlit.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "streamlit.log").read_text()
            time.sleep(0.2)
        assert health(f"http://{LOOPBACK}:{port}/") == 200
        # the entrypoint exec'd Streamlit in its place, as replica 1 (from the pod's name)
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
        assert b"BACKPROP_LAB_REPLICA=1" in environ
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_the_readme_names_deploy_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run it for a lecture hall", 1)[1]
    named = set(re.findall(r"`(deploy/[\w./-]+)`", section))
    named |= set(re.findall(r"kubectl apply -f (deploy/\S+)", section))
    assert {"deploy/Dockerfile", "deploy/k8s/app.yaml", "deploy/run_cluster.py"} <= named
    for path in named:
        assert (ROOT / path.rstrip("/")).exists(), path
    applied = re.findall(r"kubectl apply -f deploy/k8s/(\S+)", section)
    assert applied == ["app.yaml", "class-router.yaml", "ingress.yaml"]
    assert sorted(applied) == sorted(p.name for p in K8S.glob("*.yaml"))
