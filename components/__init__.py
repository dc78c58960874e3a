"""Layout builders shared by pages: shell, map, KPI strip, alarm list."""
