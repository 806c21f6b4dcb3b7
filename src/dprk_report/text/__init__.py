"""Text as articles write it: partial dates and date phrases, number words and figures, quote matching,
and a figure's wording for readers. Imports nothing of the package but ``vocab``."""
