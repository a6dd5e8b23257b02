"""Arabic and English: gettext catalogues, locale negotiation, the Arabic text normaliser."""
