"""API keys: publishable keys for survey pages, secret keys for everything else."""
