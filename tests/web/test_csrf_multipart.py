"""Reading the CSRF token from the first part of a multipart body (pure)."""

from matchmaker.web.csrf_multipart import first_part_token

BOUNDARY = b"----form7"


def _body(*parts: bytes) -> bytes:
    return b"".join(b"--" + BOUNDARY + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + BOUNDARY + b"--\r\n"


def test_the_token_is_read_from_the_first_part():
    body = _body(b'Content-Disposition: form-data; name="csrftoken"\r\n\r\nabc.def-1',
                 b'Content-Disposition: form-data; name="title"\r\n\r\nx')

    assert first_part_token(body, BOUNDARY) == "abc.def-1"


def test_a_file_or_another_field_first_gives_no_token():
    file_first = _body(b'Content-Disposition: form-data; name="csrftoken"; filename="a.pdf"\r\n\r\n%PDF-')
    field_first = _body(b'Content-Disposition: form-data; name="title"\r\n\r\nx',
                        b'Content-Disposition: form-data; name="csrftoken"\r\n\r\nabc')

    assert first_part_token(file_first, BOUNDARY) is None
    assert first_part_token(field_first, BOUNDARY) is None
