"""Survey platforms (Qualtrics, Decipher, any other), our webhooks, and response quality."""
