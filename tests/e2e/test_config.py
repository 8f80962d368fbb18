"""Configuration checked at start: each setting that cannot be used refuses the start with one
line naming it; secrets are required outside the embedded default; the trusted-proxy setting
decides whose address rate limits key on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import ConfigError, load

PG = "postgresql://postgres@127.0.0.1:5432/creditflow"


@pytest.fixture
def clean_env(monkeypatch):  # type: ignore[no-untyped-def]
    """No CREDITFLOW_* setting from the outside but the test run's keys and authority code."""
    for name in list(os.environ):
        if name.startswith("CREDITFLOW_") and not name.endswith(
                ("SECRET_KEY", "AUDIT_KEY", "AUTHORITY_USCC")):
            monkeypatch.delenv(name)
    return monkeypatch


REFUSED = [
    ({"PUBLISHER": "htp"}, "CREDITFLOW_PUBLISHER: Must be one of: file, http."),
    ({"PUBLISER": "http"}, "CREDITFLOW_PUBLISER: unknown setting (did you mean "
                           "CREDITFLOW_PUBLISHER?)"),
    ({"PUBLISHER": "http"}, "CREDITFLOW_PLATFORM_URL: the http publisher needs the platform's "
                            "address"),
    ({"TIMEZONE": "Asia/Shanghia"}, "CREDITFLOW_TIMEZONE: unknown time zone 'Asia/Shanghia'"),
    ({"SMTP_PORT": "twenty-five"}, "CREDITFLOW_SMTP_PORT: Not a valid integer."),
    ({"SMTP_PORT": "70000"}, "CREDITFLOW_SMTP_PORT: Must be greater than or equal to 1 and "
                             "less than or equal to 65535."),
    ({"LOGIN_RATE_LIMIT": "ten a minute"}, "CREDITFLOW_LOGIN_RATE_LIMIT: 'ten a minute' is not "
                                           "a rate limit such as '10 per minute'"),
    ({"RATELIMIT_STORAGE_URI": "redis//localhost"}, "CREDITFLOW_RATELIMIT_STORAGE_URI: not a "
                                                    "rate-limit store such as memory:// or "
                                                    "redis://host:6379"),
    ({"SESSION_COOKIE_SECURE": "maybe"}, "CREDITFLOW_SESSION_COOKIE_SECURE: Not a valid "
                                         "boolean."),
    ({"DISCLOSURE_TIMES": '{"penalty": "25:00"}'}, "CREDITFLOW_DISCLOSURE_TIMES[penalty]: not "
                                                   "a time of day such as 01:30"),
    ({"DISCLOSURE_WORKDAYS": '{"fines": 7}'}, "CREDITFLOW_DISCLOSURE_WORKDAYS[fines]"),
    ({"DATABASE_URL": "mysql://root@localhost/x"}, "CREDITFLOW_DATABASE_URL: database 'mysql': "
                                                   "use sqlite or postgresql"),
    ({"METRICS_NETWORKS": "10.0.0.0/8, intranet"}, "CREDITFLOW_METRICS_NETWORKS: 'intranet' is "
                                                   "not a network"),
    ({"LEASE_RENEW_SECONDS": "60"}, "CREDITFLOW_LEASE_RENEW_SECONDS: must be shorter than "
                                    "LEASE_SECONDS"),
    ({"UPLOAD_DIR": "/proc/creditflow-uploads"}, "CREDITFLOW_UPLOAD_DIR: cannot create "
                                                 "/proc/creditflow-uploads"),
    ({"DATABASE_URL": PG, "SECRET_KEY": ""}, "CREDITFLOW_SECRET_KEY: required with a "
                                             "PostgreSQL database"),
    ({"DATABASE_URL": PG, "AUDIT_KEY": ""}, "CREDITFLOW_AUDIT_KEY: required with a PostgreSQL "
                                            "database"),
    ({"SECRET_KEY": "short"}, "CREDITFLOW_SECRET_KEY: Shorter than minimum length 16."),
    ({"PUBLISHER": "http", "PLATFORM_URL": "https://gateway.intranet/batches"},
     "CREDITFLOW_PLATFORM_SECRET: the http publisher signs every request: set the secret"),
    ({"PUBLISHER": "http", "PLATFORM_URL": "https://gateway.intranet/batches",
      "PLATFORM_SECRET": "short"}, "CREDITFLOW_PLATFORM_SECRET: the http publisher signs"),
    ({"DATABASE_URL": PG, "AUTHORITY_USCC": "11120110MB1234567C"},
     "CREDITFLOW_AUTHORITY_USCC: set the detachment's own 统一社会信用代码"),
    ({"AUTHORITY_USCC": "11120110MB1234567X"}, "CREDITFLOW_AUTHORITY_USCC: not a valid "
                                               "统一社会信用代码 (check)"),
    ({"AUTHORITY_USCC": "11120110mb0000001p"}, "CREDITFLOW_AUTHORITY_USCC: write the code as "
                                               "11120110MB0000001P"),
    ({"RESTORATION_BAR_BEFORE": "2023-01-01"}, "CREDITFLOW_RESTORATION_BAR_SOURCE: a "
                                               "restoration bar needs its legal source"),
    ({"WTF_CSRF_ENABLED": "false"}, "CREDITFLOW_WTF_CSRF_ENABLED: switches a protection off"),
    ({"RATELIMIT_ENABLED": "false"}, "CREDITFLOW_RATELIMIT_ENABLED: switches a protection off"),
    ({"SECRET_KEY": "same-key-0123456789abcdef", "AUDIT_KEY": "same-key-0123456789abcdef"},
     "CREDITFLOW_AUDIT_KEY: must differ from CREDITFLOW_SECRET_KEY"),
]


@pytest.mark.parametrize(("env", "message"), REFUSED, ids=[next(iter(e)) for e, _ in REFUSED])
def test_a_setting_that_cannot_be_used_refuses_the_start(clean_env, tmp_path, env, message):
    for name, value in env.items():
        clean_env.setenv(f"CREDITFLOW_{name}", value)
    with pytest.raises(ConfigError) as refused:
        load(str(tmp_path))
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_a_folder_that_cannot_be_used_is_refused(clean_env, tmp_path):
    taken = tmp_path / "outbox"
    taken.write_text("a file where the folder should be")
    clean_env.setenv("CREDITFLOW_OUTBOX_DIR", str(taken))
    with pytest.raises(ConfigError, match=r"^CREDITFLOW_OUTBOX_DIR: cannot create .*outbox"):
        load(str(tmp_path))
    if os.geteuid() != 0:  # root writes to read-only folders
        taken.unlink()
        taken.mkdir(mode=0o500)
        with pytest.raises(ConfigError, match="CREDITFLOW_OUTBOX_DIR: .* is not writable"):
            load(str(tmp_path))


def test_values_are_typed_and_tables_merge_over_their_defaults(clean_env, tmp_path):
    clean_env.setenv("CREDITFLOW_SESSION_COOKIE_SECURE", "yes")
    clean_env.setenv("CREDITFLOW_SCHEDULER_IN_SERVE", "off")
    clean_env.setenv("CREDITFLOW_PUBLISH_MINOR_PENALTIES", "no")
    clean_env.setenv("CREDITFLOW_SMTP_PORT", "587")
    clean_env.setenv("CREDITFLOW_DISCLOSURE_WORKDAYS", '{"penalty": 5}')
    cfg = load(str(tmp_path))
    assert cfg["SESSION_COOKIE_SECURE"] is True and cfg["SCHEDULER_IN_SERVE"] is False
    assert cfg["PUBLISH_MINOR_PENALTIES"] is False and cfg["SMTP_PORT"] == 587
    assert cfg["DISCLOSURE_WORKDAYS"] == {"penalty": 5, "licensing": 7, "inspection": 20,
                                          "coercive_measure": 20, "listing": 7}


def test_secrets_come_from_the_environment_with_postgresql(clean_env, tmp_path):
    clean_env.setenv("CREDITFLOW_DATABASE_URL", PG)
    cfg = load(str(tmp_path))  # the test run's keys are in the environment
    assert cfg["SECRET_KEY"] == os.environ["CREDITFLOW_SECRET_KEY"]
    assert not (tmp_path / "secret_key").exists()


def test_the_embedded_default_makes_its_keys_once(clean_env, tmp_path):
    clean_env.delenv("CREDITFLOW_SECRET_KEY")
    clean_env.delenv("CREDITFLOW_AUDIT_KEY")
    first, second = load(str(tmp_path)), load(str(tmp_path))
    assert len(first["SECRET_KEY"]) == 64 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["AUDIT_KEY"] == second["AUDIT_KEY"] != first["SECRET_KEY"]


def _creditflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CREDITFLOW_")}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_the_command_names_the_setting_in_one_line_and_exits_2(tmp_path):
    done = _creditflow({"CREDITFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                        "CREDITFLOW_PUBLISHER": "ftp"}, "serve")
    assert done.returncode == 2
    assert done.stderr == ("creditflow: configuration refused: CREDITFLOW_PUBLISHER: Must be "
                           "one of: file, http.\n")


def test_config_check_prints_the_effective_configuration_with_secrets_hidden(tmp_path):
    done = _creditflow({"CREDITFLOW_DATABASE_URL": "postgresql://cf:pa55word@db.internal/cf",
                        "CREDITFLOW_SECRET_KEY": "s3cret-s3cret-s3cret",
                        "CREDITFLOW_AUDIT_KEY": "audit-audit-audit-audit",
                        "CREDITFLOW_AUTHORITY_USCC": "11120110MB0000001P",
                        "CREDITFLOW_SMTP_PASSWORD": "mail-pa55",
                        "CREDITFLOW_UPLOAD_DIR": str(tmp_path / "up"),
                        "CREDITFLOW_OUTBOX_DIR": str(tmp_path / "out"),
                        "CREDITFLOW_BATCH_SIZE": "500"}, "config", "check")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for secret in ("pa55word", "s3cret", "audit-audit", "mail-pa55"):
        assert secret not in out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "postgresql://cf:***@db.internal/cf" in lines["DATABASE_URL"]
    assert "(set, hidden)  [environment]" in lines["SECRET_KEY"]
    assert "(set, hidden)" in lines["SMTP_PASSWORD"]
    assert lines["BATCH_SIZE"].split()[1:] == ["500", "[environment]"]
    assert lines["PUBLISHER"].split()[1:] == ['"file"', "[default]"]
    assert out.endswith("configuration ok\n")


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(database_url, make_app):
    def _limited_app(hops: int):  # type: ignore[no-untyped-def]
        return make_app({"DATABASE_URL": database_url, "TRUSTED_PROXIES": hops,
                         "PUBLIC_RATE_LIMIT": "2 per minute"})

    direct = _limited_app(0).test_client()
    codes = [direct.get("/public/", headers={"X-Forwarded-For": f"203.0.113.{n}"},
                        environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]  # one client, whatever it claims to forward

    behind = _limited_app(1).test_client()
    codes = [behind.get("/public/", headers={"X-Forwarded-For": f"203.0.113.{n}"},
                        environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code for n in range(3)]
    assert codes == [200, 200, 200]  # three clients behind one proxy
    again = [behind.get("/public/", headers={"X-Forwarded-For": "203.0.113.9"},
                        environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code for _ in range(3)]
    assert again == [200, 200, 429]
