"""The remote queue's delivery side (docs/architecture.md, "Remote queue"): the branch page's proof token
and the limit keys (proof.py), the message gateway and its providers (gateway.py), the texts sent
(notice_text.py) and the worker that sends the notices outbox (notice_worker.py). The domain half is
server/queue/remote.py and server/queue/nudges.py."""
