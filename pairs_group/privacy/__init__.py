"""Privacy: personal data is kept only as long as needed after a group finishes."""
