"""The access log is written in batches, not with a write per request, and loses nothing
when the server stops."""

from __future__ import annotations

import io

from starlette.testclient import TestClient

from governance.web.access_log import AccessLog, AccessLogMiddleware


def test_requests_are_logged_in_one_write_when_flushed(app):
    out = io.StringIO()
    writes = []
    log = AccessLog(stream=lambda: out, every=3600)  # written by hand here, or at shutdown
    real_write = out.write
    out.write = lambda text: writes.append(text) or real_write(text)  # type: ignore[method-assign]
    with TestClient(AccessLogMiddleware(app, log)) as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/polls/999999").status_code == 401
        assert client.get("/archive/a%22b%0Ac").status_code == 404
        assert writes == []  # nothing written per request
        log.flush()
        assert len(writes) == 1
        client.get("/static/asamblea.css")
    # the server's shutdown wrote the rest
    lines = out.getvalue().splitlines()
    assert len(writes) == 2 and len(lines) == 4
    assert lines[0].endswith('"GET / HTTP/1.1" 200')
    assert lines[1].endswith('"GET /api/v1/polls/999999 HTTP/1.1" 401')
    # a quote or a line break in the address cannot forge a line
    assert lines[2].endswith(""""GET '/archive/a"b\\nc' HTTP/1.1" 404""")
    assert lines[3].endswith('"GET /static/asamblea.css HTTP/1.1" 200')
