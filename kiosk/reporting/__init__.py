"""Numbers for people to read: every count shown anywhere goes through suppression.py first."""
