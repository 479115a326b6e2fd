"""`python -m qa_pipeline.cli`: the same as the `qa-pipeline` command."""

from . import main

main()
