"""Tests of tempkit's lifecycle layer."""
