from tests.documents.conftest import (  # noqa: F401
    category,
    documents,
    make_document,
    nda_version,
    private_storage,
    prospect,
)
