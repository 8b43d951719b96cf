"""gunicorn for planwatch (deploy/planwatch-web.service; docs/deployment.md).

Environment: GUNICORN_BIND (default 127.0.0.1:8000, nginx in front),
GUNICORN_WORKERS (default 3), GUNICORN_THREADS (default 4)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Threads: an API client waiting for its document (up to 60 s, api/documents.py)
# holds a thread, not a whole worker.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Long work runs in the task worker; a request that takes longer than this is a bug.
timeout = 90
graceful_timeout = 30
keepalive = 5
# A fresh process now and then keeps memory where bench/memory.py measured it.
max_requests = 2000
max_requests_jitter = 200
# nginx writes the access log; errors and our JSON lines go to the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = "127.0.0.1"
proc_name = "planwatch-web"
# gunicorn's runtime control socket would be written into the (read-only) code
# directory; systemd's signals (reload = HUP) are all the control needed.
control_socket_disable = True
