"""What reads across the register's apps: the dashboard, the expiry and decisions report,
and the progress and download pages of schedules rendered in the background.

Above ``providers``, ``contracts`` and ``outcomes``: it may import any of them,
and none of them imports it.
"""
