"""gunicorn settings for `make run` and the container; the environment can override each one."""

import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
wsgi_app = "service.wsgi:app"
# gthread, not sync: as fast here (README, "Serving"), and it keeps connections alive (sync closes
# each one), so nginx's upstream keepalive and clients reuse them, and a slow client holds a
# thread, not a whole worker.
worker_class = "service.worker.ProblemThreadWorker"  # gthread, answering its own errors as JSON
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("THREADS", "4"))
# At most this many connections per worker (gthread stops accepting beyond it). Unbounded (the
# default, 1000), one worker often accepts a whole burst of keep-alive connections and the other
# idles: 32 wrk connections split 32/0 and throughput halves (`make bench-balance`, README). At
# 20, no worker of two holds more than 20 of 32, and a connection beyond every worker's bound
# waits in the listen backlog until one closes (keep-alive 5 s).
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "20"))
# Load the app, and so every content release, once in the master: bad content stops start-up
# there, with the file, item and field, before any worker forks.
preload_app = True
timeout = int(os.environ.get("TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# The longest request line gunicorn accepts (its maximum); longer ones get a 414 problem.
limit_request_line = 8190
# Recycle workers now and then as a guard against leaks; not so often that a busy worker (about
# 1,500 requests a second here) restarts every few seconds, dropping its stored answers and its
# keep-alive connections.
max_requests = int(os.environ.get("MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("MAX_REQUESTS_JITTER", "10000"))
# gunicorn 27 would otherwise open a control socket in the home folder.
control_socket_disable = True
# Every line on stdout as JSON, access log included (service/logs.py).
logger_class = "service.logs.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# /metrics sums every worker's metrics from files in this folder, emptied at each start so
# that no dead worker of an earlier run is counted. Set before the app (and prometheus_client)
# is imported.
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "metatarsalgia-metrics")
)
shutil.rmtree(metrics_dir, ignore_errors=True)
os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
