"""The shipped systemd units, Dockerfile and compose file: valid, hardened, private files (UMask=0077), and
nothing in them turns an access log back on. (test_logs.py runs gunicorn with their command and environment.)"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.servers import (
    APP_UNIT, DEPLOY, compose, dockerfile, dockerfile_command, dockerfile_environment, unit_command, unit_environment,
    unit_settings,
)

SERVICES = sorted((DEPLOY / "systemd").glob("*.service"))
assert len(SERVICES) >= 3, "deploy/systemd/*.service not found"
# Settings that would give gunicorn an access log (or a logging setup other than deploy/gunicorn.conf.py's).
ACCESS_LOG_VARIABLES = {"SIIFRA_ACCESS_LOG", "GUNICORN_CMD_ARGS"}
ACCESS_LOG_FLAGS = re.compile(r"--access-log|--log-config|--logger-class|--log-syslog|--capture-output")


@pytest.mark.parametrize("unit", SERVICES, ids=lambda path: path.name)
def test_every_service_makes_private_files_and_logs_no_requests(unit: Path):
    settings = unit_settings(unit)
    assert ("UMask", "0077") in settings
    assert ("NoNewPrivileges", "true") in settings and ("ProtectHome", "true") in settings
    assert not ACCESS_LOG_VARIABLES & set(unit_environment(unit))
    for key, value in settings:
        assert not ACCESS_LOG_FLAGS.search(value), f"{unit.name}: {key}={value}"
        assert key not in ("StandardOutput", "StandardError") or value == "journal", f"{unit.name}: {key}={value}"


def test_app_servers_are_a_hardened_template():
    settings = dict(unit_settings(APP_UNIT))
    assert unit_environment(APP_UNIT, "8001")["SIIFRA_BIND"] == "127.0.0.1:8001"
    assert settings["Requires"] == "siifra-migrate.service" and "siifra-migrate.service" in settings["After"]
    assert "ExecStartPre" not in settings  # several instances starting at once would migrate at once
    for key, value in {
        "ProtectSystem": "strict", "PrivateTmp": "true", "PrivateDevices": "true", "StateDirectory": "siifra",
        "StateDirectoryMode": "0700", "CapabilityBoundingSet": "", "Type": "notify", "User": "siifra",
    }.items():
        assert settings.get(key) == value, key
    assert unit_command(APP_UNIT)[1:] == ["-c", "deploy/gunicorn.conf.py", "kiosk:create_app()"]


def test_systemd_accepts_every_unit(tmp_path: Path):
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is missing: `make test` installs systemd (.ci/system-deps.sh)")
    units = [shutil.copy(path, tmp_path) for path in (DEPLOY / "systemd").iterdir()]
    names = [Path(u).name.replace("@.service", "@8000.service") for u in units]
    result = subprocess.run(["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True)
    complaints = [
        line for line in (result.stdout + result.stderr).splitlines()
        # The programs live under /opt/siifra on a server, not on the machine running the tests.
        if line.strip() and not re.search(r"Command /opt/siifra/\S+ is not executable", line)
    ]
    assert not complaints


def test_the_container_runs_what_the_units_run():
    env = dockerfile_environment()
    command = dockerfile_command()
    assert command.startswith("umask 0077 && ")
    steps = [shlex.split(step) for step in command.removeprefix("umask 0077 && ").split(" && ")]
    migrate = unit_command(DEPLOY / "systemd/siifra-migrate.service")
    assert steps[0] == [Path(migrate[0]).name, *migrate[1:]] == ["flask", "--app", "kiosk", "db", "upgrade"]
    assert steps[1] == ["exec", "gunicorn", *unit_command(APP_UNIT)[1:]]
    assert any(re.search(r"mkdir -m 0700 /data\b", line) for line in dockerfile())
    assert env["SIIFRA_INSTANCE_PATH"] == "/data"
    assert not ACCESS_LOG_VARIABLES & set(env) and not ACCESS_LOG_FLAGS.search(command)


def test_compose_trusts_only_its_gateway_and_publishes_on_this_machine_only():
    spec = compose()
    app = spec["services"]["app"]
    assert not ACCESS_LOG_VARIABLES & set(app["environment"])
    assert not {"command", "entrypoint", "logging"} & set(app)  # the Dockerfile's CMD, and nothing more
    assert all(str(port).startswith("127.0.0.1:") for port in app["ports"])
    (network,) = spec["networks"]["default"]["ipam"]["config"]
    assert app["environment"]["SIIFRA_FORWARDED_ALLOW_IPS"] == network["gateway"]
    assert "SIIFRA_BASE_URL" in app["environment"]


def test_one_scheduler_runs_like_the_app_servers():
    unit = DEPLOY / "systemd/siifra-scheduler.service"
    settings, app = dict(unit_settings(unit)), dict(unit_settings(APP_UNIT))
    assert unit_command(unit)[1:] == ["--app", "kiosk", "scheduler"] and Path(unit_command(unit)[0]).name == "flask"
    assert settings["Requires"] == "siifra-migrate.service" and "siifra-migrate.service" in settings["After"]
    assert "@" not in unit.name  # one per deployment, never one per app server
    assert unit_environment(unit) == {k: v for k, v in unit_environment(APP_UNIT, "8000").items() if k != "SIIFRA_BIND"}
    shared = [
        key for key, _value in unit_settings(APP_UNIT)
        if key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "UMask", "StateDirectory", "StateDirectoryMode",
                   "NoNewPrivileges", "LockPersonality", "SystemCallArchitectures", "CapabilityBoundingSet")
        or key.startswith(("Protect", "Restrict", "Private"))
    ]
    assert len(shared) > 15 and {key: settings.get(key) for key in shared} == {key: app[key] for key in shared}


def test_compose_runs_one_scheduler_from_the_app_image():
    spec = compose()
    app, scheduler = spec["services"]["app"], spec["services"]["scheduler"]
    assert scheduler["build"] == app["build"]
    assert scheduler["command"] == ["sh", "-c", "umask 0077 && exec flask --app kiosk scheduler"]
    assert {k: v for k, v in app["environment"].items() if k in scheduler["environment"]} == scheduler["environment"]
    assert "ports" not in scheduler and "deploy" not in scheduler  # nothing to reach, and never replicas
