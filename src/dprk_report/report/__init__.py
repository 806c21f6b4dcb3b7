"""What a reader sees: findings in words, charts and their style, notebook display helpers and the
output parameters. May import ``analysis``, ``data`` and ``text``."""
