"""Tests of tempkit's cli layer."""
