"""changai flows: Prefect ingest flow, snapshot store, progress tables and the `changai` CLI."""
