"""botsieve: tells people from bots in online surveys and web forms."""

__version__ = "0.1.0"
