"""The queue domain: tickets, counters and the rules between them. No Flask, sockets or hardware."""
from .engine import QueueEngine
from .errors import DomainError
from .actors import Actor

__all__ = ["QueueEngine", "DomainError", "Actor"]
