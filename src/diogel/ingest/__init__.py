"""Readers that turn published files into canonical frames plus rejected rows with reasons."""
