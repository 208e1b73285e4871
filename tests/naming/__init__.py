"""Tests of tempkit's naming layer."""
