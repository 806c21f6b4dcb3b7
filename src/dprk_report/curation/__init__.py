"""Curation commands: register an archived article, propose candidate rows, accept reviewed ones."""
