"""Serving the hub in production (`counterflow run`): gevent by default, gunicorn threads as the other way.

- `gevent` (default): the standard library is monkey-patched before anything else is imported, and
  gevent's pywsgi server runs in this process. Every connection, HTTP or Socket.IO, is a greenlet;
  websockets come from simple-websocket (engineio's gevent driver). The hub's own threads (delivery loop,
  wait monitor, device manager, simulators) become greenlets too: they only ever block on sockets,
  ptys (select + read), sleeps and locks, which are all cooperative once patched.
- `threading`: gunicorn's gthread worker, one worker process (the Socket.IO rooms live in it), one OS
  thread per request in progress and two per connected websocket. Needs gunicorn installed; kept so
  that bench/bench_server_modes.py can measure both.

Chosen with COUNTERFLOW_ASYNC_MODE (or `async_mode` in the TOML file); bench/bench_server_modes.py has
the figures behind the default. Neither way sends a Server header with a version in it.
"""
from __future__ import annotations

import sys

ASYNC_MODES = ("gevent", "threading")
SERVER_HEADER = "CounterFlow"
STOP_TIMEOUT_S = 2.0  # how long open connections get to finish once the hub is told to stop
GTHREADS = 1000  # gunicorn: threads of the worker (a websocket holds one for its lifetime)


def prepare(argv: list[str]) -> str | None:
    """First thing `python -m server` and `counterflow` do: for `run` in gevent mode, monkey-patch now,
    before any server module imports threading or socket. Returns the async mode of a `run`."""
    if argv[:1] != ["run"] or "-h" in argv or "--help" in argv:
        return None
    from .settings import Settings  # imports neither threading nor socket

    mode = Settings.load().async_mode
    if mode not in ASYNC_MODES:
        raise SystemExit(f"error: COUNTERFLOW_ASYNC_MODE={mode!r}: expected one of {', '.join(ASYNC_MODES)}")
    if mode == "gevent":
        from gevent import monkey

        if not monkey.is_module_patched("socket"):
            monkey.patch_all()
    return mode


def current_async_mode() -> str:
    """The Socket.IO async mode this process can run: gevent once patched, else threading (tests)."""
    monkey = sys.modules.get("gevent.monkey")
    return "gevent" if monkey is not None and monkey.is_module_patched("socket") else "threading"


def run(app, settings, *, started=None) -> None:
    """Serve `app` on settings.host:settings.port until SIGTERM or SIGINT. Starts the hub's background
    work first (then calls `started()`), and stops it before the open connections are closed, so the
    events committed until then still reach the screens."""
    raise_open_files_limit()
    mode = settings.async_mode
    if mode == "gevent":
        if current_async_mode() != "gevent":
            raise RuntimeError("gevent mode needs the monkey-patching of server.serve.prepare() at start-up")
        _run_gevent(app, settings, started)
    elif mode == "threading":
        _run_gunicorn(app, settings, started)
    else:
        raise ValueError(f"unknown async mode {mode!r}")


def raise_open_files_limit() -> tuple[int, int]:
    """Every socket is a file handle: raise the soft RLIMIT_NOFILE to the hard limit (a default soft
    limit of 1,024 would stop a hub near 1,000 screens). Returns (soft, hard) as now set."""
    import logging
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    logging.getLogger("counterflow.http").info("open files limit", extra={"soft": soft, "hard": hard})
    return soft, hard


# ---------------------------------------------------------------------------------------- gevent
def _run_gevent(app, settings, started) -> None:
    import logging
    import signal
    import socket

    import gevent
    from gevent.event import Event
    from gevent.pywsgi import WSGIHandler, WSGIServer

    class Handler(WSGIHandler):
        def handle(self):
            # Small answers go out at once: without this, Nagle's algorithm and the client's delayed
            # ACK hold a keep-alive response for ~40 ms whenever it leaves in more than one send.
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return super().handle()

        def handle_one_response(self):
            try:
                return super().handle_one_response()
            finally:
                # After a websocket the connection belongs to it: simple-websocket speaks on a dup of the
                # socket, and pywsgi would read the client's closing frame as a next request and log
                # "Invalid HTTP method: '\x88...'" at every disconnect (docs/deployment.md, "Logs").
                if self.headers.get("Upgrade", "").lower() == "websocket":
                    self.close_connection = True

        # pywsgi's environ says SERVER_SOFTWARE "gevent/X Python/Y" (simple-websocket looks for the
        # "gevent" prefix) but sends no Server header; make sure no version ever goes out.
        def start_response(self, status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "server"]
            return super().start_response(status, headers, exc_info)

    hub = app.extensions["counterflow"]
    log = logging.getLogger("counterflow.http")
    server = WSGIServer((settings.host, settings.port), app, handler_class=Handler, log=None, error_log=log)
    stop = Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, stop.set)
    try:
        hub.start_background()
        if started is not None:
            started()  # the device list is printed before the hub answers (as with every server before)
        server.start()
        stop.wait()
        server.close()  # no new connections; the open ones (screens) still get the last events
    finally:
        try:
            hub.stop_background()
        finally:
            server.stop(timeout=STOP_TIMEOUT_S)


# ---------------------------------------------------------------------------------------- threads
def _run_gunicorn(app, settings, started) -> None:
    try:
        from gunicorn.app.base import BaseApplication
        from gunicorn.http import wsgi as gunicorn_wsgi
    except ImportError as err:
        raise SystemExit("error: COUNTERFLOW_ASYNC_MODE=threading needs gunicorn (pip install gunicorn)") from err

    gunicorn_wsgi.SERVER = SERVER_HEADER  # gunicorn's own Server header, bare
    from .allocator import limit_arenas, trim_periodically

    limit_arenas()  # before any thread: per-thread malloc arenas made RSS climb (server/allocator.py)
    hub = app.extensions["counterflow"]
    hub.db.dispose()  # the worker is a fork: it opens its own connections

    def post_worker_init(_worker):
        hub.start_background()  # in the worker, where the requests are served
        trim_periodically()  # the arenas' free pages back to the system (server/allocator.py)
        if started is not None:
            started()

    def worker_exit(_server, _worker):
        hub.stop_background()

    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": 1,  # Socket.IO rooms are in-process (several need a message queue and sticky sessions)
        "worker_class": "gthread",
        "threads": GTHREADS,
        "worker_connections": 2 * GTHREADS,
        "preload_app": True,
        "timeout": 0,  # websockets hold a thread for their lifetime: no heartbeat-based kill
        "graceful_timeout": int(STOP_TIMEOUT_S),
        "keepalive": 5,
        "accesslog": None,
        "loglevel": "warning",
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }

    class Gunicorn(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Gunicorn().run()
