"""The help desk a support team compares the bridge with: the agents' chat and its «Взять», the rating after
close, and follow-ups merged (shared by the use cases and buttons that need them)."""
