"""The client's forms, opened by a single-use link: no account, nothing about the client."""
