"""What the application needs of the state store: claims, the outbox, records, upkeep."""
