"""Reading forms and answering with the form again, errors beside the fields."""

from __future__ import annotations

from starlette.requests import Request


async def form_fields(request: Request) -> dict[str, str]:
    """The submitted text fields, stripped of the CSRF token (files are read by their own views)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrftoken"}


def redisplayable(values: dict[str, str], *, secret_fields: tuple[str, ...] = ("password", "current_password",
                                                                              "new_password")) -> dict[str, str]:
    """What to put back into the form after an error: everything the user typed but passwords."""
    return {key: value for key, value in values.items() if key not in secret_fields}
