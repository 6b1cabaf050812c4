"""Settings: defaults -> config.toml -> MATCHMAKER_* environment, frozen once loaded.

A TOML key `key` in section `[section]` sets the field `section_key`; the environment variable
`MATCHMAKER_SECTION_KEY` overrides it. `MATCHMAKER_CONFIG` names another TOML file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "placeholder"})
ENV_PREFIX = "MATCHMAKER_"


class ConfigError(Exception):
    """The configuration cannot be used; the message says which setting and why."""


@dataclass(frozen=True)
class Settings:
    server_environment: str = "development"  # development | production
    server_host: str = "127.0.0.1"
    server_port: int = 8000
    server_https: bool = False  # True behind a TLS terminator: cookies get the Secure flag
    server_max_body_bytes: int = 2 * 1024 * 1024
    server_trusted_proxies: tuple[str, ...] = ()
    # How participants reach the site, for links in mails ("https://docking.example.gov.cn");
    # empty: http(s)://host:port.
    server_public_url: str = ""
    # /metrics (Prometheus): with a token, only `Authorization: Bearer <token>`; without one,
    # only clients on the loopback address (a reverse proxy must then not pass /metrics on).
    server_metrics_token: str = field(default="", repr=False)

    paths_var_dir: str = "var"

    database_url: str = "sqlite://var/matchmaker.sqlite3"

    security_secret_key: str = ""
    security_session_idle_minutes: int = 8 * 60
    security_login_limit: str = "5/15 minutes"  # limits' notation, per IP and per account
    # memory:// holds within one process; several processes share e.g. redis://127.0.0.1:6379
    security_rate_limit_storage: str = "memory://"
    security_rate_limit_key_prefix: str = "matchmaker"  # Redis keys start with it
    security_password_min_length: int = 10

    mail_smtp_host: str = ""  # empty: messages are written as .eml files under var/mail
    mail_smtp_port: int = 25
    mail_smtp_username: str = ""
    mail_smtp_password: str = field(default="", repr=False)
    mail_smtp_starttls: bool = False
    mail_from: str = "matchmaker <noreply@matchmaker.local>"
    # The outbox worker (matchmaker/services/mailing/worker.py): runs inside the app unless disabled, e.g.
    # when a separate `python -m matchmaker send-mail` process does the sending.
    mail_worker_enabled: bool = True
    mail_batch_size: int = 20  # rows claimed at a time
    mail_poll_seconds: float = 1.0  # how long an idle worker waits before looking again
    mail_timeout_seconds: float = 30.0  # per message: connect, login and the mail transaction
    # A claimed row goes back to the queue after this long (its worker died): longer than a
    # whole batch can take, batch_size x timeout.
    mail_lease_seconds: float = 900.0
    mail_retry_base_seconds: float = 30.0  # first retry window, doubled each time (full jitter)
    mail_retry_cap_seconds: float = 3600.0
    mail_max_attempts: int = 12

    # Background work (matchmaker/worker.py). True: the web process computes solver runs itself (in a
    # thread) and sends mail ([mail] worker_enabled): one process, no restart survives a run in
    # flight. False: the web process only records jobs; `python -m matchmaker worker` (started
    # by `serve --with-worker`, or as its own service) runs solver runs, imports and reports (the
    # background_job rows), mail and the periodic jobs.
    jobs_run_in_web: bool = True
    # With run_in_web: the web process also runs the worker's other loops (runs whose process
    # died are taken again, the periodic jobs), so a plain `serve` needs neither cron nor a worker.
    jobs_worker_in_web: bool = True
    jobs_poll_seconds: float = 1.0  # how long an idle worker waits before looking for a run again
    # A solver run's (or an import's, a report's) lease, renewed with its progress: a worker killed
    # mid-run leaves the run to be taken again this long after.
    jobs_lease_seconds: float = 30.0
    jobs_expire_every_seconds: float = 60.0  # request expiry (requests past their answer deadline)
    jobs_reminders_every_seconds: float = 3600.0  # meeting reminders for tomorrow and lead reminders
    # Each worker writes its heartbeat row this often; /readyz wants one seen within a minute.
    jobs_heartbeat_seconds: float = 15.0
    # Beijing hour from which tomorrow's meeting reminders are queued (each once, whatever the runs).
    jobs_reminder_hour: int = 17
    # The worker process's CPU niceness (0-19; it only ever raises its own): on a shared machine a
    # 60 s solve, an import or a report then takes the CPU the web processes leave, instead of
    # slowing every page. Its threads (the solver's included) are started after it is set.
    jobs_worker_nice: int = 10

    i18n_default_language: str = "zh"
    i18n_languages: tuple[str, ...] = ("zh", "en")

    # The city's key industry chains (重点产业链): offered on the enterprise profile.
    registry_industry_chains: tuple[str, ...] = ("新材料", "新医药", "新能源", "装备制造", "信息产业", "集成电路",
                                                 "人工智能", "节能环保", "航空航天", "现代农业")
    # Imports larger than this are refused before the file is opened.
    registry_import_max_bytes: int = 20 * 1024 * 1024
    registry_import_max_rows: int = 50_000
    # [matching.innovation_weights]: the 科创积分 weights, keys of matching.InnovationWeights
    # (checked at load time). The environment variable takes the table as JSON.
    matching_innovation_weights: types.MappingProxyType = field(default_factory=lambda: types.MappingProxyType({}))
    matching_claim_response_days: int = 5  # an enterprise should answer a claim (抢单) within this

    @property
    def production(self) -> bool:
        return self.server_environment == "production"

    @property
    def var_dir(self) -> Path:
        path = Path(self.paths_var_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    def __repr__(self) -> str:  # never print secrets, e.g. in a traceback or log line
        shown = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if "secret" not in f.name and "password" not in f.name}
        return f"Settings({shown})"


def load_settings(config_file: Path | None = None, environ: typing.Mapping[str, str] | None = None,
                  **overrides: object) -> Settings:
    """Build the one Settings object; generate the secret key into var/ on a first development run."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    path = config_file or Path(environ.get(ENV_PREFIX + "CONFIG", PROJECT_ROOT / "config.toml"))
    if path.exists():
        values.update(_flatten_toml(tomllib.loads(path.read_text("utf-8")), path))
    values.update(_from_environment(environ))
    values.update(overrides)
    settings = Settings(**{name: _coerce(name, value) for name, value in values.items()})
    _check_matching(settings)
    return _with_secret_key(settings)


def _flatten_toml(document: dict, path: Path) -> dict[str, object]:
    known = {f.name for f in dataclasses.fields(Settings)}
    flat: dict[str, object] = {}
    for section, table in document.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: top-level key {section!r} must be inside a [section]")
        for key, value in table.items():
            name = f"{section}_{key}"
            if name not in known:
                raise ConfigError(f"{path}: unknown setting [{section}] {key}")
            flat[name] = value
    return flat


def _from_environment(environ: typing.Mapping[str, str]) -> dict[str, object]:
    known = {f.name for f in dataclasses.fields(Settings)}
    return {
        key[len(ENV_PREFIX):].lower(): value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX):].lower() in known
    }


def _coerce(name: str, value: object) -> object:
    """Turn TOML or environment values into the field's type, with a clear error."""
    hints = typing.get_type_hints(Settings)
    if name not in hints:
        raise ConfigError(f"unknown setting {name}")
    target = hints[name]
    try:
        if target is bool and isinstance(value, str):
            if value.lower() not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                raise ValueError(value)
            return value.lower() in {"1", "true", "yes", "on"}
        if target is int:
            return int(value)  # type: ignore[arg-type]
        if target is types.MappingProxyType:
            table = json.loads(value) if isinstance(value, str) else value
            if not isinstance(table, dict):
                raise ValueError("expected a table")
            return types.MappingProxyType(table)
        if target is float:
            return float(value)  # type: ignore[arg-type]
        if typing.get_origin(target) is tuple or isinstance(target, types.GenericAlias):
            if isinstance(value, str) and value.strip().startswith("["):  # a JSON list, as for tables
                items = json.loads(value)
                if not isinstance(items, list):
                    raise ValueError("expected a list")
                return tuple(str(item).strip() for item in items if str(item).strip())
            if isinstance(value, str):  # a,b,c
                return tuple(part.strip() for part in value.split(",") if part.strip())
            return tuple(value)  # type: ignore[arg-type]
        return value if target is not str else str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}: cannot use {value!r} ({exc})") from None


def _check_matching(settings: Settings) -> None:
    """Refuse to start with 科创积分 weights the matching engine would reject."""
    from matchmaker.matching import InnovationWeights  # pure package: no import cycle

    try:
        InnovationWeights.from_mapping(settings.matching_innovation_weights)
    except ValueError as error:
        raise ConfigError(f"setting matching_innovation_weights: {error}") from None
    if settings.matching_claim_response_days < 1:
        raise ConfigError("setting matching_claim_response_days: must be at least 1")


def _with_secret_key(settings: Settings) -> Settings:
    if settings.security_secret_key not in PLACEHOLDER_SECRETS:
        return settings
    if settings.production:
        raise ConfigError(
            "生产模式必须配置密钥 MATCHMAKER_SECURITY_SECRET_KEY "
            "(production mode refuses to start with a missing or placeholder secret key)"
        )
    key_file = settings.var_dir / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return dataclasses.replace(settings, security_secret_key=key_file.read_text().strip())
