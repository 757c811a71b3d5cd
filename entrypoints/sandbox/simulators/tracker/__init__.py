"""Yandex Tracker's REST API, simulated: issues, queues, triggers and transitions (`api`), comments (`comments`), and
what it keeps with the JSON it answers (`records`)."""
