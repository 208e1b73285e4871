"""Tests of tempkit's backends layer."""
