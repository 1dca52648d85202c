"""Receivers of platform signals for the collection app."""

from __future__ import annotations


def resume_file_imports(sender, **kwargs) -> int:
    """Enqueue again the uploaded imports that a killed worker left unfinished."""
    from chengxin.collection.ingest.imports import file_imports_to_resume
    from chengxin.collection.tasks import file_import_task

    pending = file_imports_to_resume()
    for submission_id in pending:
        file_import_task.enqueue(submission_id)
    return len(pending)
