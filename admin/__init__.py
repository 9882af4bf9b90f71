"""The staff side of Si ifra: accounts, roles, management, moderation and digests."""
