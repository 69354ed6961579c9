"""The one HTTP session notifications use: timeouts, no automatic retries, no redirects."""

from __future__ import annotations

import requests

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
USER_AGENT = "Porchlight-Notifications/1.0"


def make_session() -> requests.Session:
    """A requests session for Twilio and webhooks; the dispatcher does the retrying."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = 0
    return session


def post(session: requests.Session, url: str, **kwargs) -> requests.Response:
    """POST with our timeouts, never following a redirect; network errors propagate."""
    return session.post(
        url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), allow_redirects=False, **kwargs
    )
