"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import multiprocessing
import os

port = os.environ.get("PORT", "8000")
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{port}"
# gunicorn 27's control socket (gunicornc) defaults to one path in the home folder, which a second
# server on the machine (a test's, a benchmark's) takes over and deletes on its way out: one per port.
control_socket = os.path.join(os.environ.get("DJANGO_VAR_DIR", "var"), f"gunicorn-{port}.ctl")
# Synchronous workers: the pages are short database reads, and 2n+1 keeps both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers now and then so a slow leak can never grow without bound. Rarely: a new
# worker imports the whole site (about a second of CPU, which the other workers' visitors
# wait for), so at 5,000 the benchmark saw p99 latencies of a second at full load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
