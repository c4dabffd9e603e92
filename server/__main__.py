import sys

from .serve import prepare

prepare(sys.argv[1:])  # `run` in gevent mode: monkey-patch before anything imports threading or socket

from .cli import main  # noqa: E402

sys.exit(main())
