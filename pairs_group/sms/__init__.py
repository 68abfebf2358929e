"""Text messages: the outbox, the providers that send them, and their encoding."""
