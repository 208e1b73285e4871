"""Tests of tempkit's paths layer."""
