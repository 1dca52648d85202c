"""Ingestion: reading a source file, checking its rows and writing them as records.

``files`` reads the table and matches its headers, ``dates`` and ``rows`` check each row
(``row_error_codes`` names what is wrong), ``batch`` and ``writer`` apply the accepted rows
set-based, ``preparation`` checks rows in a helper process, and ``imports`` runs a stored
upload through all of it.
"""
