"""Bringing a network in and taking it out: vCard, LinkedIn/Google/mapped CSV and JSON."""
