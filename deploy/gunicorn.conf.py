"""Gunicorn settings for Si ifra. Start with: gunicorn -c deploy/gunicorn.conf.py "kiosk:create_app()"."""
import logging
import os

from gunicorn.glogging import Logger

bind = os.environ.get("SIIFRA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SIIFRA_WORKERS", "2"))
# Threads, so that a request that waits (a sign-in's password hash, which releases the GIL while argon2
# runs, or its turn at the one hashing slot) does not queue the public form behind it.
worker_class = "gthread"
threads = int(os.environ.get("SIIFRA_THREADS", "8"))
timeout = 30
graceful_timeout = 20
# Bodies are small; refuse odd request lines and headers early.
limit_request_line = 4094
limit_request_fields = 50
# systemd (or Docker) starts, reloads and stops gunicorn. Gunicorn's own control socket lives at one
# path per user ($HOME/.gunicorn/gunicorn.ctl), which every siifra@ instance would fight over.
control_socket_disable = True

# nginx on this machine says whether the request came over https (X-Forwarded-Proto), and the app
# needs to know: HSTS, a Secure __Host- staff cookie, and Flask-WTF's referrer check all depend on
# it. Only that one header is trusted, and only from the proxy's own address, so a client that
# reaches gunicorn directly cannot claim https. No address is ever taken from a header (gunicorn has
# no such setting, and the app reads none); neither are paths (forwarder_headers) or the PROXY protocol.
forwarded_allow_ips = os.environ.get("SIIFRA_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""
proxy_allow_ips = ""


class AnonymousLogger(Logger):
    """Gunicorn's logger without an access log, whatever the command line or the environment asks."""

    def access(self, resp, req, environ, request_time) -> None:
        """Log nothing about the request."""
        # One line per request is one line per answer ("POST /s/7N79HH" 302 names the form and the
        # place), and journald, Docker or any log shipper stamps each line with the time to the second.


logger_class = AnonymousLogger
accesslog = None


class WithoutClientData(logging.Filter):
    """Keep the client's address, and what it sent, out of gunicorn's warning about a malformed request."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite that warning; pass every other line as it is."""
        # "Invalid request from ip=192.0.2.55: Invalid HTTP Header: '<what the client sent>'"
        if record.getMessage().startswith("Invalid request from"):
            record.msg, record.args = "Invalid request refused (what the client sent is not logged)", ()
        return True


# Errors are logged, to stderr, without a timestamp: journald or the container runtime adds one, and
# there it stands next to an error, never next to an answer. The app logs through the root logger.
errorlog = "-"
loglevel = os.environ.get("SIIFRA_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
        "alembic": {"level": "WARNING"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr",
            "filters": ["without_client_data"],
        },
    },
    "filters": {"without_client_data": {"()": WithoutClientData}},
    "formatters": {"plain": {"format": "[%(process)d] [%(levelname)s] %(message)s"}},
}



def post_worker_init(worker) -> None:
    """Set aside what loading the app made, so that the garbage collector stops walking it (kiosk/heap.py)."""
    from kiosk.heap import freeze_startup

    freeze_startup()
