"""The deployment recipe as docs/deploy.md gives it: the compose file is valid, every setting
the recipe names exists, and the wheel, installed offline from the wheelhouse into a fresh
virtual environment outside the checkout, upgrades its database and serves."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.config import DEFAULTS
from tests.processes import free_port, wait_http

ROOT = Path(__file__).parents[2]
RECIPE = [ROOT / "compose.yaml", ROOT / "deploy" / "creditflow.env.example",
          ROOT / "docs" / "deploy.md", ROOT / "docs" / "operations.md", ROOT / "Dockerfile"]


def test_the_compose_file_follows_the_compose_specification():
    checked = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                              "vendor.compose-spec", str(ROOT / "compose.yaml")],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compose = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if compose.returncode == 0:  # a Docker with the compose plugin checks it too
        env = {**os.environ, "POSTGRES_PASSWORD": "p", "MINIO_ROOT_PASSWORD": "m" * 8,
               "CREDITFLOW_SECRET_KEY": "s" * 32, "CREDITFLOW_AUDIT_KEY": "a" * 32,
               "CREDITFLOW_AUTHORITY_USCC": "11120110MB0000001P"}
        config = subprocess.run(["docker", "compose", "-f", str(ROOT / "compose.yaml"),
                                 "config", "-q"], capture_output=True, text=True, env=env)
        assert config.returncode == 0, config.stderr


def test_the_compose_file_runs_every_part_of_a_scaled_out_district():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert {"db", "redis", "s3", "migrate", "web", "scheduler"} <= set(services)
    assert services["migrate"]["command"] == ["creditflow", "db", "upgrade"]
    assert services["scheduler"]["command"] == ["creditflow", "scheduler"]
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["scheduler"]["deploy"]["replicas"] == 2  # one leads, one stands by
    env = services["web"]["environment"]
    assert env["CREDITFLOW_RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert env["CREDITFLOW_STORAGE"] == "s3" and env["CREDITFLOW_SCHEDULER_IN_SERVE"] == "false"
    assert "app.wsgi:application" in (ROOT / "Dockerfile").read_text()


def test_every_setting_the_recipe_names_exists():
    text = "\n".join(path.read_text(encoding="utf-8") for path in RECIPE)
    named = set(re.findall(r"CREDITFLOW_([A-Z0-9_]*[A-Z0-9])\b(?!_\*)", text))
    families = set(re.findall(r"CREDITFLOW_([A-Z0-9_]+_)\*", text))  # CREDITFLOW_S3_*
    assert named and sorted(named - set(DEFAULTS)) == []
    assert all(any(s.startswith(f) for s in DEFAULTS) for f in families)


def test_the_systemd_units_run_installed_commands():
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        text = unit.read_text()
        starts = re.findall(r"^ExecStart(?:Pre)?=(\S+)", text, flags=re.M)
        assert starts and all(s.startswith("/opt/creditflow/bin/") for s in starts), unit
        assert "EnvironmentFile=/etc/creditflow/creditflow.env" in text


@pytest.mark.slow
def test_the_wheel_installs_offline_outside_the_checkout_and_serves(tmp_path):
    house, venv, elsewhere = tmp_path / "wheelhouse", tmp_path / "venv", tmp_path / "host"
    built = subprocess.run(["bash", str(ROOT / "deploy" / "wheelhouse.sh"), str(house),
                            "server"], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--no-index",
                                "--find-links", str(house), "creditflow[server]"],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CREDITFLOW_", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    env["CREDITFLOW_DATABASE_URL"] = f"sqlite:///{elsewhere}/district.db"
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import app, os; print(os.path.dirname(app.__file__))"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip().startswith(str(venv)), where.stdout + where.stderr
    creditflow = str(venv / "bin" / "creditflow")
    upgraded = subprocess.run([creditflow, "db", "upgrade"], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0 and "-> 0020" in upgraded.stderr, upgraded.stderr
    port = free_port()
    proc = subprocess.Popen([creditflow, "serve", "--port", str(port)], cwd=elsewhere, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/readyz", proc, seconds=60)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as ready:
            assert ready.status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    shutil.rmtree(house, ignore_errors=True)
