"""The member registry: organizations, their countries, platforms, networks and standing."""
