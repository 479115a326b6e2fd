"""`python -m qa_pipeline`: the same as the `qa-pipeline` command."""

from .cli import main

main()
