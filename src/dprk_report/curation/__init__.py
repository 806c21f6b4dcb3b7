"""Curation commands: register an archived article, propose candidate rows, accept reviewed ones (all
tables written at once). May import ``data`` and ``text``; pages never run this code."""
