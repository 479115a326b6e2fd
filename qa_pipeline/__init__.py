"""qa_pipeline: find where two translations of the same text disagree in meaning."""

__version__ = "0.1.0"
