"""Keeping in touch on purpose: circles with a cadence, the Today agenda, digest and feed."""
