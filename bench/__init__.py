"""`make bench`: the speed and size figures in one table (`bench/results.md`): cold start (and what the bridge's own
share of it is made of), the flow length, per-event cost and calls, bursts, memory while carrying files, store size,
hostile input, recovery after an outage and poll mode."""
