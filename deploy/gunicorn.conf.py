"""Gunicorn settings for Si ifra. Start with: gunicorn -c deploy/gunicorn.conf.py "kiosk:create_app()"."""
import os

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

# The access log must never tell who answered: no client address (%(h)s), no user agent (%(a)s), no
# referrer (%(f)s), no query string (%(q)s, and %(U)s is the path without it), and no time of day
# (%(t)s), since a time next to a path would date an answer more finely than the day we keep.
accesslog = os.environ.get("SIIFRA_ACCESS_LOG", "-")
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s'
errorlog = "-"
loglevel = os.environ.get("SIIFRA_LOG_LEVEL", "info")
# Addresses that proxies put in X-Forwarded-For are never used; trust nobody to set them.
forwarded_allow_ips = ""
proxy_allow_ips = ""

# Gunicorn's own lines carry no timestamp either: journald or the log shipper adds one where wanted,
# and there it cannot sit next to an access line for an answer. The app logs through the root logger.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "alembic": {"level": "WARNING"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
    },
    "formatters": {"plain": {"format": "[%(process)d] [%(levelname)s] %(message)s"}},
}
