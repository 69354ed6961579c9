"""Shared web helpers: rendering, security headers, error handlers, locale selection."""
