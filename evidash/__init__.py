"""Shared logic of the ketamine / CBT / ECT / TMS evidence dashboard: data loading and validation, views, charts."""
from .data import Evidence, load_evidence, summary
from .problems import Problem

__all__ = ["Evidence", "Problem", "load_evidence", "summary"]
