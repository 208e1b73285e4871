"""Tests of tempkit's plugin layer."""
