"""Use cases. Services take a session, do their work, and never commit: the caller owns the transaction."""
