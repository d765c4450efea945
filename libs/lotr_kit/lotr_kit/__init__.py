"""Shared plumbing for the LotR API services. No domain code lives here."""
