"""Public pages: the start page, the privacy notice and the accessibility statement."""
