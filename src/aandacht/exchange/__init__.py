"""Import and export of contacts: vCard, CSV and JSON (plain package, no models yet)."""
