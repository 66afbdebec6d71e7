"""The database layer: targets declared in the inventory, drivers, identification, SQL probes."""
