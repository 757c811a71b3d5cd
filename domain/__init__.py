"""Pure domain of the bridge: standard library only."""
