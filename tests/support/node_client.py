"""The official socket.io JavaScript client under node, for tests that run it as a client. `make test`
installs it (Makefile, `node-client`); a test that needs it fails with that hint rather than skipping."""
from __future__ import annotations

import shutil

import pytest

from tests.support.live_hub import ROOT

NODE_PREFIX = ROOT / "var" / "node"  # npm --prefix: package.json and node_modules/
SOCKET_IO_CLIENT = NODE_PREFIX / "node_modules" / "socket.io-client"


def require_node_client() -> str:
    """The node executable, once node and socket.io-client are both there; otherwise the test fails."""
    node = shutil.which("node")
    if node is None or not SOCKET_IO_CLIENT.is_dir():
        pytest.fail("node and socket.io-client are needed: run `make node-client` (make test does)")
    return node
