"""Written assessments, learning-log entries and comments."""
