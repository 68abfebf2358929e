"""Session reminders by text: when they are due, who gets them, and what she can reply."""
