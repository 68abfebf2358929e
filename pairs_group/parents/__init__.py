"""Parents and carers, their babies, and their places in groups."""
