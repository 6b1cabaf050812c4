"""Domain errors raised by services; the web layer maps them to status codes and field messages."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """Bad input: `problems` maps a form field name to the message shown beside it."""

    status_code = 400

    def __init__(self, problems: Mapping[str, str], message: str = "提交的内容有误，请按提示修改") -> None:
        super().__init__(message)
        self.problems = dict(problems)


class NotFound(DomainError):
    """Missing, or belongs to another tenant: both answer 404 so that nothing leaks."""

    status_code = 404

    def __init__(self, message: str = "未找到该对象 (not found)") -> None:
        super().__init__(message)


class NotAllowed(DomainError):
    status_code = 403

    def __init__(self, message: str = "没有权限执行此操作 (not allowed)") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """The state changed under the caller (e.g. two organizers publishing at once)."""

    status_code = 409


class AuthenticationFailed(DomainError):
    status_code = 400

    def __init__(self) -> None:
        # One message for unknown user and wrong password: nothing tells which.
        super().__init__("邮箱或密码不正确 (wrong email or password)")
