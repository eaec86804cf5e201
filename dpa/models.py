"""Data processing agreements: versioned templates, signatures, executed PDFs."""
