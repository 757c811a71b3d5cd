"""Text rules: mentions, Pachca-safe text, folding for comparison, pleasantries. Standard library only."""
