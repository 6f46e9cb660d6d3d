"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app`.

Threaded workers (``gthread``): a client that sends its request slowly holds one thread, not a
whole worker, so a few slow uploads cannot stall the site (with ``sync`` workers, two bodies sent
at 4 KB/s kept both workers busy and ``/healthz`` waited 9 s). The reverse proxy in front
(README, "Production") buffers request bodies too; this is the second line. Every value can be
overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request (headers and body) must arrive within this many seconds.
timeout = 30
graceful_timeout = 20
keepalive = 5
# No access log here: the reverse proxy in front keeps one. Add `--access-logfile -` if wanted.
# gunicorn 27 opens a control socket under ~/.gunicorn by default; Cercle does not use it.
control_socket_disable = True
