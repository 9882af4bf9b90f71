"""Making free text safe to read: de-identification, crisis words, sealing originals, the moderation queue."""
