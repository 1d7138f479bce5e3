"""Numbers the pages and the command line show: coverage, quotas, hotspots, petitions, the calendar."""
