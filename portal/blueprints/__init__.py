"""Blueprints: tracking, agent, merchant, api, auth, main (landing and health)."""
