"""Thresholds the analysis and its findings share."""

#: A repeat this many days after the figure was made public is called old.
OLD_AFTER_DAYS = 90
