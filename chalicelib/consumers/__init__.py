"""Stream and queue consumers: raw Lambda events in, Powertools batch processing,
partial batch failures out (the event source mapping retries only what failed).

Each reads like an API route: decode the record (through wiring's adapters),
hand it to a use case, count what happened.
"""
