"""The curation assistant: register an archived article, propose candidate rows, accept reviewed ones."""
