"""Project fixtures whose services attack the sandbox, and the helpers the isolation tests share."""
