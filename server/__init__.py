"""CounterFlow hub: queue engine, storage, REST API and real-time events."""
