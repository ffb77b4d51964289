"""Errors whose message is written for the user."""


class UserError(Exception):
    """Bad input or a request that cannot be done; exit code 1 in the CLI."""
