"""What we tell people: reports rendered from results.json alone."""
