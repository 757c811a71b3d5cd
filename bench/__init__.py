"""`make bench`: cold start, per-event cost, outbound calls per event and a rate-limited burst."""
