"""Helpers shared by the tests: child processes, the CLI runner, the local S3 server."""
