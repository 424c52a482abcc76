"""People and teams as administrators manage them: teams, person records, CSV import,
password resets and deactivation (handing a leaver's tasks to a team queue)."""
