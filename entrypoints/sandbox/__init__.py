"""`servicedesk-bot sandbox`: the real bridge wired to simulated APIs on loopback, and a page that plays both sides."""
