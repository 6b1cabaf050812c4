"""Settings: defaults -> config.toml -> MATCHMAKER_* environment; secrets handled with care."""

from pathlib import Path

import pytest

from matchmaker.config import ConfigError, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_overrides_defaults_and_environment_overrides_toml(tmp_path):
    config = write(tmp_path / "c.toml", '[server]\nport = 9000\nhttps = true\n[mail]\nsmtp_host = "smtp.example.cn"\n')

    settings = load_settings(config, environ={"MATCHMAKER_SERVER_PORT": "9100", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)})

    assert settings.server_port == 9100
    assert settings.server_https is True
    assert settings.mail_smtp_host == "smtp.example.cn"
    assert settings.server_host == "127.0.0.1"


def test_a_secret_key_is_generated_once_into_var_in_development(tmp_path):
    environ = {"MATCHMAKER_PATHS_VAR_DIR": str(tmp_path / "var")}

    first = load_settings(tmp_path / "absent.toml", environ=environ)
    second = load_settings(tmp_path / "absent.toml", environ=environ)

    assert len(first.security_secret_key) >= 48
    assert first.security_secret_key == second.security_secret_key
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("secret", ["", "change-me"])
def test_production_refuses_a_missing_or_placeholder_secret(tmp_path, secret):
    environ = {"MATCHMAKER_SERVER_ENVIRONMENT": "production", "MATCHMAKER_SECURITY_SECRET_KEY": secret,
               "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}

    with pytest.raises(ConfigError, match="生产模式必须配置密钥"):
        load_settings(tmp_path / "absent.toml", environ=environ)


def test_secrets_never_appear_in_the_printed_settings(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", environ={
        "MATCHMAKER_SECURITY_SECRET_KEY": "s3cr3t-value-for-the-test-0123456789",
        "MATCHMAKER_MAIL_SMTP_PASSWORD": "smtp-password-value"})

    printed = repr(settings)

    assert "s3cr3t-value" not in printed
    assert "smtp-password-value" not in printed
    assert "server_port" in printed


def test_unknown_setting_in_toml_is_an_error(tmp_path):
    config = write(tmp_path / "c.toml", "[server]\nprot = 1\n")

    with pytest.raises(ConfigError, match=r"unknown setting \[server\] prot"):
        load_settings(config, environ={})


def test_wrongly_typed_value_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="setting server_port: cannot use 'eighty'"):
        load_settings(tmp_path / "absent.toml", environ={"MATCHMAKER_SERVER_PORT": "eighty"})


def test_list_settings_accept_comma_separated_environment_values(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", environ={"MATCHMAKER_I18N_LANGUAGES": "zh, en",
                                                                "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)})

    assert settings.i18n_languages == ("zh", "en")


def test_list_settings_also_accept_a_json_list_as_the_deployment_section_writes_it(tmp_path):
    environ = {"MATCHMAKER_SERVER_TRUSTED_PROXIES": '["127.0.0.1", "10.0.0.5"]', "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}

    assert load_settings(tmp_path / "absent.toml", environ=environ).server_trusted_proxies == ("127.0.0.1", "10.0.0.5")
    with pytest.raises(ConfigError, match="setting server_trusted_proxies: cannot use"):
        load_settings(tmp_path / "absent.toml", environ={**environ, "MATCHMAKER_SERVER_TRUSTED_PROXIES": '["10.0.0.5"'})


def test_matching_weights_come_from_toml_and_a_wrong_key_stops_the_start(tmp_path):
    good = write(tmp_path / "good.toml", "[matching]\nclaim_response_days = 3\n"
                                          "[matching.innovation_weights]\nrd_ratio_points = 25\n")
    bad = write(tmp_path / "bad.toml", "[matching.innovation_weights]\nrd_points = 25\n")
    environ = {"MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}

    settings = load_settings(good, environ=environ)

    assert settings.matching_innovation_weights["rd_ratio_points"] == 25
    assert settings.matching_claim_response_days == 3
    with pytest.raises(ConfigError, match="rd_points"):
        load_settings(bad, environ=environ)


def test_matching_weights_from_the_environment_are_json(tmp_path):
    environ = {"MATCHMAKER_PATHS_VAR_DIR": str(tmp_path),
               "MATCHMAKER_MATCHING_INNOVATION_WEIGHTS": '{"qualification_points": {"瞪羚": 9}}'}

    settings = load_settings(tmp_path / "absent.toml", environ=environ)

    assert settings.matching_innovation_weights["qualification_points"] == {"瞪羚": 9}
