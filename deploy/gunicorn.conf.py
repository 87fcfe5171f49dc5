"""gunicorn settings for the web process (deploy/systemd/perfectcatch-web.service, Procfile,
Dockerfile). Everything can be overridden with GUNICORN_* environment variables."""

import multiprocessing
import os

from config.logs import install_masking

# gunicorn's loggers have their own handlers: its lines are masked like ours only because every
# record is masked where it is made (the workers install this again with Django's logging).
install_masking()

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never take the web process down.
max_requests = 2000
max_requests_jitter = 200
# The application writes one structured line per request itself; gunicorn's access log would
# duplicate it.
accesslog = None
errorlog = "-"
# Trust X-Forwarded-* only from the local reverse proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """A fresh directory for the workers' metric files (stale ones would add up forever)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, a dead worker's live gauges must not linger."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
