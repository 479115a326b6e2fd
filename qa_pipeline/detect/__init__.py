"""Detectors: drift, span attribution, mechanical checks, findings."""
