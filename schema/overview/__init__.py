"""The plan and group overviews."""
