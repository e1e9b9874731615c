"""gunicorn settings for Headway: `gunicorn -c deploy/gunicorn.conf.py`.

Read from the environment like the rest of Headway: BIND (or PORT), WORKERS, TIMEOUT.
"""

import multiprocessing
import os

wsgi_app = "headway.wsgi:application"
bind = os.environ.get("BIND") or "127.0.0.1:{}".format(os.environ.get("PORT", "8000"))

# Sync workers, the usual two per core plus one: each serves one request at a time and holds
# one persistent database connection, so workers x app servers is the connection count.
workers = int(os.environ.get("WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = int(os.environ.get("TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycling workers now and then bounds the memory a long-lived process can accumulate.
max_requests = 2000
max_requests_jitter = 200

# Headway writes its own request line (headway.requests); gunicorn logs only its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# X-Forwarded-Proto is trusted from the reverse proxy on this machine only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("SERVED_BY") or "headway"

# gunicorn's own lines in the same shape as Headway's when LOG_FORMAT=json.
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "headway.log.JSONFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper()}},
    }
