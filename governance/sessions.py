"""Signed-in sessions end when the browser closes or after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request.

The timeout slides: activity moves it forward. The session is written at most once a minute for that
(``SESSION_SAVE_EVERY_REQUEST`` would write it on every request); its row in the session store
expires with it (``SESSION_COOKIE_AGE`` is the idle timeout), and a session found idle for longer is
ended here before anything reads the user.
"""

import time

from django.conf import settings

LAST_ACTIVITY = "_last_activity"
REFRESH_SECONDS = 60


def mark_activity(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: the idle clock starts at sign-in."""
    request.session[LAST_ACTIVITY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if "_auth_user_id" in session:
            now = int(time.time())
            last = session.get(LAST_ACTIVITY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                session.flush()
            elif last is None or now - last >= REFRESH_SECONDS:
                session[LAST_ACTIVITY] = now
        return self.get_response(request)
