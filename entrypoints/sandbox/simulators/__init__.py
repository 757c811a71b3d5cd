"""The one set of simulated APIs (Pachca, Tracker, the Yandex 360 directory): the sandbox, the tests and the bench
all use these."""
