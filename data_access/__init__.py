"""Everything that reads or writes state: settings, city config, SQL, Redis streams, cache."""
